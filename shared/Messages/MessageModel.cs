using System.Text.Json;

namespace Serverless.Messages;

public enum BodyEncoding { Utf8, Base64 }

/// <summary>A queue shard: one storage partition. Order is kept per shard.</summary>
public sealed record QueuePartition(string Vhost, string Queue, int Shard)
{
    public override string ToString() => $"{Vhost}/{Queue}/{Shard}";
}

/// <summary>A message's content and properties, as published (and as stored in its queue).</summary>
public sealed record MessageContent
{
    public required string MessageId { get; init; }
    public required byte[] Body { get; init; }
    public BodyEncoding BodyEncoding { get; init; }
    public string? ContentType { get; init; }
    public string? CorrelationId { get; init; }
    public string? ReplyTo { get; init; }
    public IReadOnlyDictionary<string, JsonElement>? Headers { get; init; }
    public int Priority { get; init; }
    public string Exchange { get; init; } = "";
    public string RoutingKey { get; init; } = "";
    public required DateTimeOffset EnqueuedAt { get; init; }

    /// <summary>Where the message died before, newest first (RabbitMQ's x-death).</summary>
    public IReadOnlyList<Death> Deaths { get; init; } = [];
}

/// <summary>One message to append to one partition: content plus where it enters the queue.</summary>
public sealed record MessageToStore(
    string Sequence,
    MessageContent Content,
    int PriorityRank,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? VisibleAt,
    DateTimeOffset? DeduplicateUntil)
{
    /// <summary>What the dedup window is keyed on: the message id, or for a moved (dead-lettered,
    /// redriven) copy the identity of the move, so that repeating a move stores one copy.</summary>
    public string DeduplicationKey { get; init; } = Content.MessageId;
}

/// <summary>What happens to a message that leaves its queue other than by ack: dropped, or moved
/// (dead-lettered with a reason, or redriven to a queue) through an idempotent move.</summary>
public sealed record Disposal(string? DeadLetterReason, string? RedriveTo = null)
{
    public static Disposal Drop { get; } = new(DeadLetterReason: null);
    public static Disposal DeadLetter(string reason) => new(reason);
    public bool Moves => DeadLetterReason is not null || RedriveTo is not null;
}

/// <summary>The first step of a move, committed with the message's removal from its queue's index:
/// a later step copies the message to its destination and deletes this row and the message.</summary>
public sealed record PendingMove(string Key, string ETag, IndexEntry Entry, string? Reason, string? RedriveTo);

public enum AppendStatus { Enqueued, Duplicate }

public enum IndexState { Ready, InFlight, Delayed }

/// <summary>A message's position in its queue: ready (by priority, then age) or invisible until a
/// time (leased or delayed). Carries the counters receive needs, so receive never reads a body
/// it will not deliver.</summary>
public sealed record IndexEntry
{
    public required string Key { get; init; }
    public required string ETag { get; init; }
    public required string Sequence { get; init; }
    public required string MessageId { get; init; }
    public int PriorityRank { get; init; }
    public int DeliveryCount { get; init; }
    public DateTimeOffset EnqueuedAt { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public long Size { get; init; }
    public string? LeaseId { get; init; }
    public DateTimeOffset? VisibleUntil { get; init; }
    public string? LastLeaseId { get; init; }
    public required IndexState State { get; init; }

    /// <summary>The message itself when the index row carries a copy of it (small messages, as published),
    /// so receive delivers it without reading the message row; null otherwise.</summary>
    public MessageContent? Content { get; init; }
}

/// <summary>What addresses one lease of one message inside its partition; a receipt is this plus
/// the shard. It stays the same when the lease is extended.</summary>
public sealed record LeaseToken(string Sequence, int PriorityRank, long DueTicks, string LeaseId);

public sealed record LeasedEntry(IndexEntry Entry, LeaseToken Token, DateTimeOffset VisibleUntil);

public sealed record LeaseAttempt(IReadOnlyList<LeasedEntry> Leased, IReadOnlyList<IndexEntry> Lost);

public enum SettleStatus { Acked, Requeued, Dropped, DeadLettered, Extended, Stale }

public sealed record SettleOutcome(LeaseToken Token, SettleStatus Status, DateTimeOffset? VisibleUntil = null);

public sealed record PartitionCounts(long Ready, long InFlight, long Delayed, long Bytes)
{
    public static PartitionCounts Zero { get; } = new(0, 0, 0, 0);
    public PartitionCounts Add(PartitionCounts other) =>
        new(Ready + other.Ready, InFlight + other.InFlight, Delayed + other.Delayed, Bytes + other.Bytes);
}

public sealed record ReleaseResult(int Released, int Removed);
