using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Cronos;
using Serverless.Functions.Hosting;
using Serverless.Testing;

namespace Serverless.IntegrationTests.Hosting;

/// <summary>Runs the built executable once with <c>--write-function-json</c> into a temporary folder
/// and reads back every <c>{Name}/function.json</c>.</summary>
public sealed class WrittenFunctionJson : IAsyncLifetime
{
    public string Folder { get; } = TestFolders.Create();

    public IReadOnlyDictionary<string, JsonObject> Functions { get; private set; } = new Dictionary<string, JsonObject>();

    public async Task InitializeAsync()
    {
        var startInfo = new ProcessStartInfo(DotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        startInfo.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Serverless.Functions.dll"));
        startInfo.ArgumentList.Add("--write-function-json");
        startInfo.ArgumentList.Add(Folder);
        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        if (process.ExitCode != 0) throw new InvalidOperationException($"--write-function-json exited {process.ExitCode}: {await stdout}{await stderr}");

        Functions = Directory.GetDirectories(Folder).ToDictionary(
            folder => Path.GetFileName(folder),
            folder => JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "function.json")))!.AsObject(),
            StringComparer.Ordinal);
    }

    public Task DisposeAsync()
    {
        TestFolders.DeleteQuietly(Folder);
        return Task.CompletedTask;
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}

/// <summary>The deployment package's function.json files, written by the built executable, against the
/// catalog, the routes the running app serves and the source files.</summary>
[Collection(ServiceCollection.Name)]
public sealed partial class FunctionJsonTests(ServiceFixture service, WrittenFunctionJson written) : IClassFixture<WrittenFunctionJson>
{
    private readonly IReadOnlyDictionary<string, JsonObject> _written = written.Functions;

    [Fact]
    public void Every_function_of_the_catalog_has_exactly_one_function_json_folder()
    {
        Assert.NotEmpty(FunctionCatalog.All);
        Assert.Equal(FunctionCatalog.All.Select(f => f.Name).Order(StringComparer.Ordinal), _written.Keys.Order(StringComparer.Ordinal));
        Assert.Empty(Directory.GetFiles(written.Folder));
    }

    [Fact]
    public void Http_functions_declare_their_route_and_method_and_an_http_output()
    {
        foreach (var function in FunctionCatalog.All.Where(f => f.Kind == TriggerKind.Http))
        {
            var bindings = Bindings(function.Name);
            Assert.Equal(2, bindings.Count);
            var trigger = Assert.Single(bindings, b => (string?)b["type"] == "httpTrigger");
            Assert.Equal("in", (string?)trigger["direction"]);
            Assert.Equal(function.Http!.Route, (string?)trigger["route"]);
            Assert.Equal([function.Http.Method.ToLowerInvariant()], trigger["methods"]!.AsArray().Select(m => (string)m!));
            // The app checks keys itself; a host-level key would make every caller need two keys.
            Assert.Equal("anonymous", (string?)trigger["authLevel"]);
            var output = Assert.Single(bindings, b => (string?)b["type"] == "http");
            Assert.Equal("out", (string?)output["direction"]);
        }
    }

    [Fact]
    public void Timer_functions_declare_their_schedule_as_a_six_field_cron()
    {
        var timers = FunctionCatalog.All.Where(f => f.Kind == TriggerKind.Timer).ToList();
        Assert.NotEmpty(timers);
        foreach (var function in timers)
        {
            var trigger = Assert.Single(Bindings(function.Name));
            Assert.Equal("timerTrigger", (string?)trigger["type"]);
            Assert.Equal("in", (string?)trigger["direction"]);
            var schedule = (string)trigger["schedule"]!;
            Assert.Equal(function.Timer!.Schedule, schedule);
            Assert.Equal(6, schedule.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
            var cron = CronExpression.Parse(schedule, CronFormat.IncludeSeconds);
            Assert.NotNull(cron.GetNextOccurrence(DateTimeOffset.UtcNow, TimeZoneInfo.Utc));
        }
    }

    [Fact]
    public async Task Routes_the_app_serves_are_exactly_the_function_json_routes()
    {
        var document = JsonNode.Parse(await service.Client.GetStringAsync("api/openapi/v1.json"))!;
        var served = document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject()
                .Where(operation => HttpMethods.Contains(operation.Key))
                .Select(operation => $"{operation.Key.ToUpperInvariant()} {path.Key}"))
            .Order(StringComparer.Ordinal)
            .ToList();

        var declared = _written.Values
            .SelectMany(json => json["bindings"]!.AsArray().Where(b => (string?)b!["type"] == "httpTrigger"))
            .SelectMany(trigger => trigger!["methods"]!.AsArray().Select(method =>
                $"{((string)method!).ToUpperInvariant()} /{FunctionEndpoints.RoutePrefix}/{WithoutConstraints((string)trigger["route"]!)}"))
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.NotEmpty(served);
        Assert.Equal(declared, served);
    }

    [Fact]
    public void Every_function_folder_is_named_after_its_class_in_its_own_source_file()
    {
        var functionsFolder = Path.Combine(RepositoryRoot(), "functions");
        foreach (var name in _written.Keys)
        {
            var function = Assert.Single(FunctionCatalog.All, f => f.Name == name);
            Assert.Equal(name, function.Type.Name);
            Assert.Equal("Serverless.Functions", function.Type.Namespace);
            var source = Path.Combine(functionsFolder, name + ".cs");
            Assert.True(File.Exists(source), $"{name}: no source file {source}");
            Assert.Matches($@"\bclass\s+{name}\b", File.ReadAllText(source));
        }
    }

    private static readonly HashSet<string> HttpMethods = new(["get", "put", "post", "delete", "patch", "head", "options"], StringComparer.OrdinalIgnoreCase);

    private List<JsonObject> Bindings(string function)
    {
        Assert.True(_written.TryGetValue(function, out var json), $"no function.json for {function}");
        return json!["bindings"]!.AsArray().Select(b => b!.AsObject()).ToList();
    }

    // OpenAPI paths show {name} where a route template may say {name:int} or {name?}.
    private static string WithoutConstraints(string route) => RouteParameter().Replace(route, "{$1}");

    [GeneratedRegex(@"\{\*{0,2}([^}:?=]+)[^}]*\}")]
    private static partial Regex RouteParameter();

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Serverless.sln"))) return directory.FullName;
        }
        throw new InvalidOperationException($"No Serverless.sln above {AppContext.BaseDirectory}.");
    }
}
