using System.Text.Json;

namespace Serverless.Messages;

public enum BodyEncoding { Utf8, Base64 }

/// <summary>A queue shard of one queue incarnation: one storage partition. Order is kept per shard.
/// A queue deleted and declared again gets a new incarnation, so none of the old rows can reappear.</summary>
public sealed record QueuePartition(string Vhost, string Queue, string Incarnation, int Shard)
{
    /// <summary>The length limits that apply to this shard (null: none). Not part of the partition's identity.</summary>
    public PartitionLimits? Limits { get; init; }

    /// <summary>How the queue's changes reach the secondary region. Not part of the partition's identity.</summary>
    public Queues.ReplicationMode Replication { get; init; } = Queues.ReplicationMode.Sync;

    public bool Equals(QueuePartition? other) =>
        other is not null && Vhost == other.Vhost && Queue == other.Queue && Incarnation == other.Incarnation && Shard == other.Shard;

    public override int GetHashCode() => HashCode.Combine(Vhost, Queue, Incarnation, Shard);

    public override string ToString() => $"{Vhost}/{Queue}/{Incarnation}/{Shard}";
}

/// <summary><c>maxLength</c> / <c>maxLengthBytes</c> of one shard (the queue's limit divided by its shards) and the
/// signature of the definition they come from: the shard's count is kept for one signature at a time, and a new
/// signature (a policy change) makes the engine count the shard again.</summary>
public sealed record PartitionLimits(long MaxCount, long MaxBytes, string Signature)
{
    public bool Fits(long count, long bytes) => count <= MaxCount && bytes <= MaxBytes;
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
/// a later step copies the message to its destination and deletes this row (and the message's body row).</summary>
public sealed record PendingMove(string Key, string ETag, IndexEntry Entry, string? Reason, string? RedriveTo);

/// <summary><see cref="Refused"/>: the shard's length limit left no room (the caller applies the overflow mode).</summary>
public enum AppendStatus { Enqueued, Duplicate, Refused }

/// <summary>What an append did, in input order, and how far the shard is over its limit afterwards
/// (what <c>dropHead</c> must trim; 0 without a limit or an exact count).</summary>
public sealed record AppendResult(IReadOnlyList<AppendStatus> Statuses, long OverCount, long OverBytes);

public enum IndexState { Ready, InFlight, Delayed }

/// <summary>A message's position in its queue: ready (by priority, then age) or invisible until a
/// time (leased or delayed). Carries the counters receive needs, and the message itself when it is
/// small, so receive never reads a row it will not deliver.</summary>
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

    /// <summary>The message's content lives in a body row of its own (too large to ride in its index row).</summary>
    public bool BodyRow { get; init; }

    /// <summary>The length-limit signature under which this row is counted in its shard's head row (null: not counted).</summary>
    public string? Counted { get; init; }

    /// <summary>A lease whose end was moved by extend: its row moved too, and a lease alias row names its key.</summary>
    public bool Extended { get; init; }

    /// <summary>The version of the message's last replicated change (ticks, increasing per message whatever the clocks
    /// of the instances that changed it): the secondary applies a change only over an older version.</summary>
    public long Version { get; init; }

    /// <summary>Every key the secondary may hold this message under (its key when published, and each key a requeue
    /// moved it to): a delete reaches the secondary as a tombstone that removes them all without reading first.</summary>
    public IReadOnlyList<string> ReplicaKeys { get; init; } = [];

    /// <summary>The message itself when the index row carries it (see <see cref="BodyRow"/>); null otherwise.</summary>
    public MessageContent? Content { get; init; }
}

/// <summary>What addresses one lease of one message inside its partition; a receipt is this plus
/// the shard. It stays the same when the lease is extended. Besides the lease's row (sequence, rank, first due time,
/// lease id) it carries what lets an ack go without reading first: whether the message has a body row, its replicated
/// version, and whether the secondary holds it only under its ready key (the usual case).</summary>
public sealed record LeaseToken(string Sequence, int PriorityRank, long DueTicks, string LeaseId, bool BodyRow = false, long Version = 0, bool ReadyReplica = false);

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

/// <summary>A shard's head row as saved when a delete takes it away (to put it back if the delete is refused).</summary>
public sealed record PartitionHeadState(string? CountSignature, long Count, long Bytes, DateTimeOffset? Since, bool Complete);

/// <summary>How a nack with requeue treats each message: back at <see cref="VisibleAt"/> (or at once), unless it
/// reached <see cref="DeliveryLimit"/> deliveries (<see cref="Exhausted"/>) or expired meanwhile (<see cref="Expired"/>,
/// as RabbitMQ dead-letters a requeued message whose TTL passed).</summary>
public sealed record RequeueRules(DateTimeOffset Now, DateTimeOffset? VisibleAt, int DeliveryLimit, Disposal Exhausted, Disposal Expired);
