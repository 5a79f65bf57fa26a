using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Serverless.DevHost.Functions;

/// <summary>The settings of the app's <c>host.json</c> (version 2.0) that devhost applies, with the
/// Functions host's defaults for what the file leaves out.</summary>
public sealed class HostJson
{
    /// <summary>The host's default route prefix.</summary>
    public const string DefaultRoutePrefix = "api";

    private static readonly JsonDocumentOptions ReadOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary><c>extensions.http.routePrefix</c>; default <c>api</c>; empty puts routes at the root.</summary>
    public string RoutePrefix { get; init; } = DefaultRoutePrefix;

    /// <summary><c>functionTimeout</c>; default 30 minutes (the host's default outside the Consumption plan).</summary>
    public TimeSpan FunctionTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary><c>extensions.queues.maxDequeueCount</c>: deliveries before a message goes to the poison queue; default 5.</summary>
    public int QueueMaxDequeueCount { get; init; } = 5;

    /// <summary><c>extensions.queues.messageEncoding</c>: true for <c>base64</c> (the default), false for <c>none</c>.</summary>
    public bool QueueMessagesBase64 { get; init; } = true;

    /// <summary><c>extensions.queues.visibilityTimeout</c>: how long a failed message stays invisible before its retry; default 0.</summary>
    public TimeSpan QueueVisibilityTimeout { get; init; } = TimeSpan.Zero;

    /// <summary><c>extensions.queues.maxPollingInterval</c>: the longest wait between polls of an empty queue; default 1 minute.</summary>
    public TimeSpan QueueMaxPollingInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary><c>extensions.queues.batchSize</c>: messages taken and run in parallel per poll; default 16 (at most 32).</summary>
    public int QueueBatchSize { get; init; } = 16;

    /// <summary>Reads <c>host.json</c> in <paramref name="appDirectory"/>; the defaults when there is none.</summary>
    /// <exception cref="FormatException">The file is not valid JSON or a value has the wrong form.</exception>
    public static HostJson Load(string appDirectory)
    {
        var path = Path.Combine(appDirectory, "host.json");
        if (!File.Exists(path)) return new HostJson();
        try
        {
            return Parse(File.ReadAllText(path));
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            throw new FormatException($"{path}: {ex.Message}", ex);
        }
    }

    public static HostJson Parse(string json)
    {
        var root = JsonNode.Parse(json, documentOptions: ReadOptions) as JsonObject ?? throw new FormatException("host.json is not a JSON object.");
        var defaults = new HostJson();
        var http = Child(Child(root, "extensions"), "http");
        var queues = Child(Child(root, "extensions"), "queues");
        return new HostJson
        {
            RoutePrefix = (Text(http, "routePrefix") ?? defaults.RoutePrefix).Trim('/'),
            FunctionTimeout = Duration(root, "functionTimeout") ?? defaults.FunctionTimeout,
            QueueMaxDequeueCount = Number(queues, "maxDequeueCount") ?? defaults.QueueMaxDequeueCount,
            QueueMessagesBase64 = !string.Equals(Text(queues, "messageEncoding"), "none", StringComparison.OrdinalIgnoreCase),
            QueueVisibilityTimeout = Duration(queues, "visibilityTimeout") ?? defaults.QueueVisibilityTimeout,
            QueueMaxPollingInterval = Duration(queues, "maxPollingInterval") ?? defaults.QueueMaxPollingInterval,
            QueueBatchSize = Math.Clamp(Number(queues, "batchSize") ?? defaults.QueueBatchSize, 1, 32),
        };
    }

    private static JsonObject? Child(JsonObject? parent, string name) =>
        parent?.FirstOrDefault(p => p.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value as JsonObject;

    private static JsonNode? Value(JsonObject? parent, string name) =>
        parent?.FirstOrDefault(p => p.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    private static string? Text(JsonObject? parent, string name) => Value(parent, name)?.GetValue<string>();

    private static int? Number(JsonObject? parent, string name) => Value(parent, name)?.GetValue<int>();

    private static TimeSpan? Duration(JsonObject? parent, string name)
    {
        var text = Text(parent, name);
        if (text is null) return null;
        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var duration)
            ? duration
            : throw new FormatException($"\"{name}\" must be a duration such as \"00:05:00\", not \"{text}\".");
    }
}
