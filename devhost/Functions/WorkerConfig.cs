using System.Text.Json;
using System.Text.Json.Nodes;

namespace Serverless.DevHost.Functions;

/// <summary>How to start the language worker, from the app's <c>worker.config.json</c> (written by the Worker SDK):
/// <c>description.defaultExecutablePath</c> (e.g. <c>dotnet</c>), <c>defaultWorkerPath</c> (the app's assembly),
/// <c>arguments</c> (before the worker path) and <c>workerArguments</c> (after it).</summary>
public sealed class WorkerConfig
{
    public const string FileName = "worker.config.json";

    public required string ExecutablePath { get; init; }

    public string? WorkerPath { get; init; }

    public IReadOnlyList<string> ExecutableArguments { get; init; } = [];

    public IReadOnlyList<string> WorkerArguments { get; init; } = [];

    /// <summary>The <c>language</c> the worker serves, e.g. <c>dotnet-isolated</c>.</summary>
    public string Language { get; init; } = "dotnet-isolated";

    /// <exception cref="FileNotFoundException">The app folder has no worker.config.json.</exception>
    /// <exception cref="FormatException">The file lacks <c>description.defaultExecutablePath</c>.</exception>
    public static WorkerConfig Load(string appDirectory)
    {
        var path = Path.Combine(appDirectory, FileName);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path} is missing: '{appDirectory}' is not a built isolated-worker app.", path);
        }

        try
        {
            var description = (JsonNode.Parse(File.ReadAllText(path)) as JsonObject)?["description"] as JsonObject
                ?? throw new FormatException("it has no \"description\" object.");
            return new WorkerConfig
            {
                ExecutablePath = description["defaultExecutablePath"]?.GetValue<string>() is { Length: > 0 } executable
                    ? executable
                    : throw new FormatException("\"description.defaultExecutablePath\" is missing."),
                WorkerPath = description["defaultWorkerPath"]?.GetValue<string>(),
                ExecutableArguments = Strings(description["arguments"]),
                WorkerArguments = Strings(description["workerArguments"]),
                Language = description["language"]?.GetValue<string>() ?? "dotnet-isolated",
            };
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            throw new FormatException($"{path}: {ex.Message}", ex);
        }
    }

    private static string[] Strings(JsonNode? node) =>
        node is JsonArray array ? array.Select(a => a?.GetValue<string>()).OfType<string>().ToArray() : [];
}
