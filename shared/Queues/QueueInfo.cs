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

public sealed record ReplicationStatus(ReplicationMode Mode, bool Synchronized, long LagMessages, double LagSeconds);

public sealed record DeclareQueueRequest
{
    public QueueArguments? Arguments { get; init; }
}

public sealed record PurgeResult(long Purged);
