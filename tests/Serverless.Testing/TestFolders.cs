namespace Serverless.Testing;

/// <summary>Temporary folders for tests.</summary>
public static class TestFolders
{
    /// <summary>A new, empty folder under the system temp folder.</summary>
    public static string Create(string prefix = "serverless-tests")
    {
        var path = Path.Combine(Path.GetTempPath(), prefix, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Deletes the folder if it exists. Clean-up must not hide the outcome of the test that ran.</summary>
    public static void DeleteQuietly(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left for the OS to clean the temp folder.
        }
    }
}
