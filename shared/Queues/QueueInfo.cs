namespace Serverless.Queues;

/// <summary>GET .../queues/{queue} (API.md, Queues).</summary>
public sealed record QueueInfo(
    string Name,
    string Vhost,
    QueueArguments Arguments,
    QueueArguments EffectiveArguments,
    string? Policy,
    DateTimeOffset CreatedAt,
    MessageCounts Messages,
    long Bytes,
    ReplicationStatus Replication);

public sealed record MessageCounts(long Ready, long InFlight, long Delayed, long Total);

/// <summary>A queue's replication, measured when asked: the mode, whether the secondary has every change of the queue
/// (its standing synchronized and nothing waiting in the queue's outboxes), and what is waiting (changes, and the age of
/// the oldest in seconds).</summary>
public sealed record ReplicationStatus(ReplicationMode Mode, bool Synchronized, long LagMessages, double LagSeconds);

public sealed record DeclareQueueRequest
{
    public QueueArguments? Arguments { get; init; }
}

public sealed record PurgeResult(long Purged);
