using System.Text.Json;
using System.Text.Json.Nodes;

namespace Serverless.UnitTests.Hosting;

/// <summary><c>dotnet publish functions -c Release -o &lt;dir&gt;</c> yields what the Functions host loads: an
/// isolated-worker package with its metadata, worker description, extensions and host.json.</summary>
public sealed class PublishPackageTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("functions-publish-").FullName;

    [Fact]
    public async Task Release_publish_is_a_valid_isolated_worker_package()
    {
        var (exitCode, output) = await PublishAsync();
        Assert.True(exitCode == 0, $"dotnet publish exited {exitCode}:\n{output}");

        var worker = JsonNode.Parse(Read("worker.config.json"))!["description"]!;
        Assert.Equal("dotnet-isolated", worker["language"]!.GetValue<string>());
        Assert.Equal("Serverless.Functions.dll", worker["defaultWorkerPath"]!.GetValue<string>());
        Assert.True(File.Exists(Path.Combine(_folder, "Serverless.Functions.dll")));

        var functions = JsonNode.Parse(Read("functions.metadata"))!.AsArray();
        var triggers = functions.Select(f => f!["bindings"]!.AsArray().First(b => b!["direction"]!.GetValue<string>() == "In")!["type"]!.GetValue<string>()).ToList();
        Assert.Equal(31, triggers.Count(t => t == "httpTrigger"));
        Assert.Equal(5, triggers.Count(t => t == "timerTrigger"));
        Assert.All(functions, f => Assert.Equal("dotnet-isolated", f!["language"]!.GetValue<string>()));

        Assert.NotNull(JsonNode.Parse(Read("extensions.json"))!["extensions"]);

        var host = JsonNode.Parse(Read("host.json"))!.AsObject();
        Assert.Equal("2.0", host["version"]!.GetValue<string>());
        Assert.Equal("api", host["extensions"]!["http"]!["routePrefix"]!.GetValue<string>());
        Assert.NotNull(host["functionTimeout"]);
        Assert.False(host.ContainsKey("customHandler"), "an isolated worker has no custom handler section");
        Assert.False(host.ContainsKey("extensionBundle"), "isolated apps bring their extensions, not a bundle");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    private string Read(string file)
    {
        var path = Path.Combine(_folder, file);
        Assert.True(File.Exists(path), $"{file} is missing from the publish folder");
        return File.ReadAllText(path);
    }

    private async Task<(int ExitCode, string Output)> PublishAsync()
    {
        // Azurite is installed already (this test's own build did it); a second npm ci could race with another build.
        var (exitCode, output, errors) = await ExternalTool.RunAsync(ExternalTool.Dotnet(),
            ["publish", "functions", "-c", "Release", "-o", _folder, "-p:SkipAzuriteInstall=true", "-nologo"], TimeSpan.FromMinutes(8));
        return (exitCode, output + errors);
    }
}
