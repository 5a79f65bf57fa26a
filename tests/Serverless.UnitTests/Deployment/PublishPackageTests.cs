using System.IO.Compression;
using System.Text.Json.Nodes;

namespace Serverless.UnitTests.Deployment;

/// <summary><c>dotnet publish functions -c Release</c> yields what the Functions host loads: an isolated-worker package
/// with its metadata, worker description, extensions and host.json; zipped with those at its root, it is what zip deploy
/// (<c>az functionapp deployment source config-zip</c>, azd) takes.</summary>
public sealed class PublishPackageTests(PublishedPackage package) : IClassFixture<PublishedPackage>
{
    // The functions of each kind a deployed app must run: HTTP, timers, and the replication queue trigger.
    private static readonly string[] KeyFunctions = ["PublishToQueue", "ReceiveMessages", "GetHealth", "ProbeRegions", "SweepReplication", "ReplicateChanges"];

    [Fact]
    public void Release_publish_is_a_valid_isolated_worker_package()
    {
        var worker = JsonNode.Parse(Read("worker.config.json"))!["description"]!;
        Assert.Equal("dotnet-isolated", worker["language"]!.GetValue<string>());
        Assert.Equal("Serverless.Functions.dll", worker["defaultWorkerPath"]!.GetValue<string>());
        Assert.True(File.Exists(Path.Combine(package.PublishFolder, "Serverless.Functions.dll")));

        var functions = JsonNode.Parse(Read("functions.metadata"))!.AsArray();
        var triggers = functions.Select(f => f!["bindings"]!.AsArray().First(b => b!["direction"]!.GetValue<string>() == "In")!["type"]!.GetValue<string>()).ToList();
        // The metadata must list every function the source declares, no more: counted from functions/*.cs.
        Assert.Equal(DeclaredTriggers("HttpTrigger"), triggers.Count(t => t == "httpTrigger"));
        Assert.Equal(DeclaredTriggers("TimerTrigger"), triggers.Count(t => t == "timerTrigger"));
        Assert.Equal(DeclaredTriggers("QueueTrigger"), triggers.Count(t => t == "queueTrigger"));
        Assert.Equal(Directory.GetFiles(Path.Combine(ExternalTool.RepoRoot, "functions"), "*.cs").Count(f => File.ReadAllText(f).Contains("[Function(")),
            functions.Count);
        Assert.All(functions, f => Assert.Equal("dotnet-isolated", f!["language"]!.GetValue<string>()));

        Assert.NotNull(JsonNode.Parse(Read("extensions.json"))!["extensions"]);

        var host = JsonNode.Parse(Read("host.json"))!.AsObject();
        Assert.Equal("2.0", host["version"]!.GetValue<string>());
        Assert.Equal("api", host["extensions"]!["http"]!["routePrefix"]!.GetValue<string>());
        Assert.NotNull(host["functionTimeout"]);
        Assert.False(host.ContainsKey("customHandler"), "an isolated worker has no custom handler section");
        Assert.False(host.ContainsKey("extensionBundle"), "isolated apps bring their extensions, not a bundle");
    }

    [Fact]
    public void Zip_deploy_package_has_the_app_at_its_root_and_no_local_settings()
    {
        Assert.Empty(DeploymentPackage.Problems(package.ZipPath, KeyFunctions));
    }

    [Fact]
    public void Unzipped_package_is_the_publish_folder_file_for_file()
    {
        var unzipped = Directory.CreateTempSubdirectory("functions-unzipped-");
        try
        {
            ZipFile.ExtractToDirectory(package.ZipPath, unzipped.FullName);

            Assert.Equal(Files(package.PublishFolder), Files(unzipped.FullName));
            Assert.Equal(File.ReadAllBytes(Path.Combine(package.PublishFolder, "functions.metadata")), File.ReadAllBytes(Path.Combine(unzipped.FullName, "functions.metadata")));
        }
        finally
        {
            unzipped.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_zip_with_the_app_in_a_folder_or_with_local_settings_is_refused()
    {
        // The check above is only worth something if it notices a wrong package: the publish folder zipped with its
        // own name as the top folder (zip deploy would not find host.json), plus a local.settings.json.
        var folder = Directory.CreateTempSubdirectory("functions-bad-zip-");
        try
        {
            var zipPath = Path.Combine(folder.FullName, "bad.zip");
            ZipFile.CreateFromDirectory(package.PublishFolder, zipPath, CompressionLevel.Fastest, includeBaseDirectory: true);
            using (var zip = ZipFile.Open(zipPath, ZipArchiveMode.Update))
            {
                using var writer = new StreamWriter(zip.CreateEntry("local.settings.json").Open());
                writer.Write("{}");
            }

            var problems = DeploymentPackage.Problems(zipPath, KeyFunctions);

            Assert.Contains("host.json is not at the root of the zip", problems);
            Assert.Contains("functions.metadata is not at the root of the zip", problems);
            Assert.Contains("local.settings.json must not be deployed", problems);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static int DeclaredTriggers(string attribute) =>
        Directory.GetFiles(Path.Combine(ExternalTool.RepoRoot, "functions"), "*.cs")
            .Sum(f => System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(f), $@"\[{attribute}\(").Count);

    private static List<string> Files(string root) =>
        [.. Directory.GetFiles(root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f).Replace('\\', '/')).Order(StringComparer.Ordinal)];

    private string Read(string file)
    {
        var path = Path.Combine(package.PublishFolder, file);
        Assert.True(File.Exists(path), $"{file} is missing from the publish folder");
        return File.ReadAllText(path);
    }
}
