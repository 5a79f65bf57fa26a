namespace Serverless.DevHost.Local;

/// <summary>Finds the Azurite that <c>npm ci</c> installed from the repository's package-lock.json,
/// so the emulator version is pinned by the repository and not by whatever is on the machine.</summary>
public static class AzuriteLocator
{
    private static readonly string RelativeScript = Path.Combine("node_modules", "azurite", "dist", "src", "azurite.js");

    /// <summary>Full path of <c>node_modules/azurite/dist/src/azurite.js</c> in the nearest folder
    /// above the application or the current directory.</summary>
    /// <exception cref="FileNotFoundException">Azurite is not installed.</exception>
    public static string FindScript()
    {
        string[] starts = [AppContext.BaseDirectory, Directory.GetCurrentDirectory()];
        foreach (var start in starts)
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, RelativeScript);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new FileNotFoundException(
            $"Azurite was not found: no {RelativeScript} above '{AppContext.BaseDirectory}' or " +
            $"'{Directory.GetCurrentDirectory()}'. Run `npm ci` at the repository root (Node.js 20+ is needed); " +
            "building the functions project also does it.");
    }
}
