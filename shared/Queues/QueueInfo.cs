using System.Text.Json.Serialization;

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

/// <summary>A queue's replication: the mode asked for, and what was measured of it (null: not measured — replication
/// to the secondary region is not built yet, so nothing is claimed).</summary>
public sealed record ReplicationStatus(
    ReplicationMode Mode,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] bool? Synchronized,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] long? LagMessages,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? LagSeconds);

public sealed record DeclareQueueRequest
{
    public QueueArguments? Arguments { get; init; }
}

public sealed record PurgeResult(long Purged);
