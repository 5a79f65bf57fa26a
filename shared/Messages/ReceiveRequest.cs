using System.Text.Json;

namespace Serverless.Messages;

public sealed record ReceiveRequest
{
    public int? MaxMessages { get; init; }
    public int? VisibilityTimeoutSeconds { get; init; }
    public int? WaitSeconds { get; init; }
}


/// <summary>A delivered (or peeked) message (API.md, Receive).</summary>
public sealed record ReceivedMessage
{
    public required string MessageId { get; init; }
    public string? Receipt { get; init; }
    public required string Body { get; init; }
    public BodyEncoding BodyEncoding { get; init; }
    public string? ContentType { get; init; }
    public string? CorrelationId { get; init; }
    public string? ReplyTo { get; init; }
    public IReadOnlyDictionary<string, JsonElement>? Headers { get; init; }
    public int Priority { get; init; }
    public required string Exchange { get; init; }
    public required string RoutingKey { get; init; }
    public int DeliveryCount { get; init; }
    public bool Redelivered { get; init; }
    public DateTimeOffset EnqueuedAt { get; init; }
    public DateTimeOffset? VisibleUntil { get; init; }
    public IndexState? State { get; init; }
    public IReadOnlyList<Death> Deaths { get; init; } = [];
}

public sealed record ReceiveResponse(IReadOnlyList<ReceivedMessage> Messages);
