using System.Text.Json;
using System.Text.Json.Serialization;

namespace Serverless.Messages;

/// <summary>One message of a publish (API.md, Publish).</summary>
public sealed record PublishMessage
{
    public string? Body { get; init; }
    public BodyEncoding? BodyEncoding { get; init; }
    public string? RoutingKey { get; init; }
    public string? MessageId { get; init; }
    public string? ContentType { get; init; }
    public string? CorrelationId { get; init; }
    public string? ReplyTo { get; init; }
    public Dictionary<string, JsonElement>? Headers { get; init; }
    public int? Priority { get; init; }
    public int? TtlSeconds { get; init; }
    public int? DelaySeconds { get; init; }
    public bool? Mandatory { get; init; }
}

/// <summary>A publish body: one message, or <c>{ "messages": [ ... ] }</c>.</summary>
[JsonConverter(typeof(PublishRequestConverter))]
public sealed record PublishRequest
{
    public List<PublishMessage>? Messages { get; init; }

    /// <summary>True when the body was a single message rather than a batch.</summary>
    [JsonIgnore]
    public bool Single { get; init; }
}

/// <summary>A message's outcome. <see cref="Failed"/> only appears in a 503 answer to a batch that storage stored in part:
/// those messages are not confirmed (retry them, with the same <c>messageId</c>).</summary>
public enum PublishStatus { Enqueued, Duplicate, Unroutable, Dropped, Rejected, Failed }

public sealed record PublishResult(string MessageId, PublishStatus Status, IReadOnlyList<string> Queues);

public sealed record PublishResponse(IReadOnlyList<PublishResult> Results)
{
    /// <summary>Every message is durable (enqueued now, or already within the dedup window): answered 201.</summary>
    [JsonIgnore]
    public bool AllConfirmed => Results.All(r => r.Status is PublishStatus.Enqueued or PublishStatus.Duplicate);
}

internal sealed class PublishRequestConverter : JsonConverter<PublishRequest>
{
    private sealed record Batch(List<PublishMessage>? Messages);

    public override PublishRequest Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("A publish body is a message object or { \"messages\": [...] }.");
        var probe = reader;
        var isBatch = false;
        probe.Read();
        while (probe.TokenType == JsonTokenType.PropertyName)
        {
            if (probe.ValueTextEquals("messages")) { isBatch = true; break; }
            probe.Read();
            probe.Skip();
            probe.Read();
        }
        if (isBatch) return new PublishRequest { Messages = JsonSerializer.Deserialize<Batch>(ref reader, options)!.Messages };
        var message = JsonSerializer.Deserialize<PublishMessage>(ref reader, options)!;
        return new PublishRequest { Messages = [message], Single = true };
    }

    public override void Write(Utf8JsonWriter writer, PublishRequest value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, new Batch(value.Messages), options);
}
