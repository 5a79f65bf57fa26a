using System.Text.Json.Nodes;

namespace Serverless.DevHost.Functions;

/// <summary>One binding of a function as <c>functions.metadata</c> declares it (the JSON the Worker SDK wrote),
/// with the properties devhost needs read out of it.</summary>
public sealed class BindingDescription
{
    public BindingDescription(JsonObject json)
    {
        ArgumentNullException.ThrowIfNull(json);
        Json = json;
        Name = Text("name") ?? throw new FormatException("A binding has no \"name\".");
        Type = Text("type") ?? throw new FormatException($"Binding '{Name}' has no \"type\".");
        Direction = Text("direction") ?? "In";
    }

    /// <summary>The binding exactly as written in functions.metadata; sent to the worker as a raw binding.</summary>
    public JsonObject Json { get; }

    public string Name { get; }

    /// <summary>e.g. <c>httpTrigger</c>, <c>timerTrigger</c>, <c>queueTrigger</c>, <c>http</c>.</summary>
    public string Type { get; }

    /// <summary><c>In</c>, <c>Out</c> or <c>InOut</c>.</summary>
    public string Direction { get; }

    public bool IsTrigger => Type.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase) && !IsOutput;

    public bool IsOutput => Direction.Equals("Out", StringComparison.OrdinalIgnoreCase);

    /// <summary><c>String</c>, <c>Binary</c>, <c>Stream</c> or null.</summary>
    public string? DataType => Text("dataType");

    /// <summary>HTTP trigger: the route template without the host's route prefix; null means the function name.</summary>
    public string? Route => Text("route");

    /// <summary>HTTP trigger: the methods it accepts, upper case; empty means every method.</summary>
    public IReadOnlyList<string> Methods =>
        Json["methods"] is JsonArray methods
            ? methods.Select(m => m?.GetValue<string>().ToUpperInvariant()).OfType<string>().ToArray()
            : [];

    /// <summary>Timer trigger: the NCRONTAB expression (six fields, seconds first), a TimeSpan or a <c>%setting%</c>.</summary>
    public string? Schedule => Text("schedule");

    /// <summary>Timer trigger: fire once when the host starts (<c>runOnStartup</c>).</summary>
    public bool RunOnStartup => Json["runOnStartup"] is JsonValue value && value.TryGetValue<bool>(out var run) && run;

    /// <summary>Queue trigger: the queue name, or a <c>%setting%</c>.</summary>
    public string? QueueName => Text("queueName");

    /// <summary>Queue trigger: the name of the app setting holding the storage connection; null means AzureWebJobsStorage.</summary>
    public string? Connection => Text("connection");

    private string? Text(string property) =>
        Json.FirstOrDefault(p => p.Key.Equals(property, StringComparison.OrdinalIgnoreCase)).Value is JsonValue value
        && value.TryGetValue<string>(out var text) && !string.IsNullOrEmpty(text)
            ? text
            : null;
}
