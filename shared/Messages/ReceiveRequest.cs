using System.Text.Json;

namespace Serverless.Messages;

/// <summary><see cref="Manual"/>: at-least-once, messages are leased and acked. <see cref="Auto"/>: at-most-once, messages are
/// removed as they are returned (RabbitMQ's autoAck, Service Bus's ReceiveAndDelete): a message whose answer is lost
/// on the way to the client is lost.</summary>
public enum AckMode { Manual, Auto }

public sealed record ReceiveRequest
{
    public int? MaxMessages { get; init; }
    public int? VisibilityTimeoutSeconds { get; init; }
    public int? WaitSeconds { get; init; }
    public AckMode? AckMode { get; init; }
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
