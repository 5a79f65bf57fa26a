using System.IO.Compression;

namespace Serverless.UnitTests.Deployment;

/// <summary><c>dotnet publish functions -c Release</c> once, and the zip made from it the way zip deploy (and azd)
/// expects: the publish folder's contents at the zip's root. Both are deleted when the tests are done.</summary>
public sealed class PublishedPackage : IAsyncLifetime
{
    private readonly DirectoryInfo workspace = Directory.CreateTempSubdirectory("functions-package-");

    public string PublishFolder => Path.Combine(workspace.FullName, "publish");

    public string ZipPath => Path.Combine(workspace.FullName, "functions.zip");

    public async Task InitializeAsync()
    {
        // Azurite is installed already (this test's own build did it); a second npm ci could race with another build.
        var (exitCode, output, errors) = await ExternalTool.RunAsync(ExternalTool.Dotnet(),
            ["publish", "functions", "-c", "Release", "-o", PublishFolder, "-p:SkipAzuriteInstall=true", "-nologo"], TimeSpan.FromMinutes(8));
        if (exitCode != 0) throw new InvalidOperationException($"dotnet publish exited {exitCode}:\n{output}{errors}");
        ZipFile.CreateFromDirectory(PublishFolder, ZipPath, CompressionLevel.Fastest, includeBaseDirectory: false);
    }

    public Task DisposeAsync()
    {
        workspace.Delete(recursive: true);
        return Task.CompletedTask;
    }
}
