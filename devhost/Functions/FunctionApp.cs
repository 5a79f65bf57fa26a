using System.Text.Json;
using System.Text.Json.Nodes;

namespace Serverless.DevHost.Functions;

/// <summary>A built isolated-worker function app: its folder, its functions (from <c>functions.metadata</c>, the
/// Worker SDK's build output and the one source of the app's triggers), its host.json and worker.config.json.</summary>
public sealed class FunctionApp
{
    public const string MetadataFileName = "functions.metadata";

    private FunctionApp(string directory, IReadOnlyList<FunctionDescription> functions, HostJson host, WorkerConfig worker)
    {
        Directory = directory;
        Functions = functions;
        Host = host;
        Worker = worker;
    }

    /// <summary>Full path of the app folder.</summary>
    public string Directory { get; }

    public IReadOnlyList<FunctionDescription> Functions { get; }

    public HostJson Host { get; }

    public WorkerConfig Worker { get; }

    public FunctionDescription? Find(string name) =>
        Functions.FirstOrDefault(f => f.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <exception cref="FileNotFoundException">The folder lacks functions.metadata or worker.config.json.</exception>
    /// <exception cref="FormatException">One of the files is malformed.</exception>
    public static FunctionApp Load(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var root = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"The function app folder '{root}' does not exist; build the app first.");
        }

        var worker = WorkerConfig.Load(root);
        return new FunctionApp(root, LoadMetadata(root), HostJson.Load(root), worker);
    }

    /// <summary>Reads the functions of a <c>functions.metadata</c> document.</summary>
    public static IReadOnlyList<FunctionDescription> ParseMetadata(string json)
    {
        var functions = JsonNode.Parse(json) as JsonArray ?? throw new FormatException("functions.metadata is not a JSON array.");
        var result = new List<FunctionDescription>();
        foreach (var node in functions)
        {
            if (node is not JsonObject function) throw new FormatException("functions.metadata holds something other than a function object.");
            var name = function["name"]?.GetValue<string>() ?? throw new FormatException("A function has no \"name\".");
            var bindings = (function["bindings"] as JsonArray ?? throw new FormatException($"Function '{name}' has no \"bindings\"."))
                .Select(b => new BindingDescription(b as JsonObject ?? throw new FormatException($"Function '{name}' has a binding that is not an object.")))
                .ToArray();
            result.Add(new FunctionDescription(
                name,
                function["scriptFile"]?.GetValue<string>() ?? throw new FormatException($"Function '{name}' has no \"scriptFile\"."),
                function["entryPoint"]?.GetValue<string>() ?? throw new FormatException($"Function '{name}' has no \"entryPoint\"."),
                function["language"]?.GetValue<string>() ?? "dotnet-isolated",
                bindings));
        }

        var duplicate = result.GroupBy(f => f.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new FormatException($"functions.metadata declares '{duplicate.Key}' twice.");
        return result;
    }

    private static IReadOnlyList<FunctionDescription> LoadMetadata(string root)
    {
        var path = Path.Combine(root, MetadataFileName);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"{path} is missing: '{root}' is not a built isolated-worker app (the Worker SDK writes it at build).", path);
        }

        try
        {
            return ParseMetadata(File.ReadAllText(path));
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            throw new FormatException($"{path}: {ex.Message}", ex);
        }
    }
}
