namespace Serverless.DevHost.Local;

/// <summary>Where the embedded local regions keep their data: <c>.local/</c> at the repository root
/// (the folder holding Serverless.sln), else under the current directory.</summary>
public static class LocalDataRoot
{
    public static string Find()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Serverless.sln"))) return Path.Combine(dir.FullName, ".local");
            }
        }
        return Path.Combine(Directory.GetCurrentDirectory(), ".local");
    }
}
