namespace Serverless.Replication;

/// <summary>How changes reach the secondary region. Bound from the <c>Replication</c> configuration section.</summary>
public sealed class ReplicationOptions
{
    public const string SectionName = "Replication";

    /// <summary><c>Replication:SyncGraceSeconds</c>: how long sync queues wait for an unreachable secondary before they
    /// go on with the primary alone and the secondary is marked not synchronized. Default 30.</summary>
    public int SyncGraceSeconds { get; set; } = 30;

    /// <summary><c>Replication:SweepAfterSeconds</c>: a sync queue's change rows older than this are shipped by the
    /// <c>SweepReplication</c> timer (the request that wrote them normally shipped them at once and deletes them within a
    /// second or two; older ones were left by a crash or while the secondary was away). Default 10.</summary>
    public int SweepAfterSeconds { get; set; } = 10;

    /// <summary><c>Replication:CleanOutboxEvery</c>: how often the change rows a request shipped itself are deleted, in
    /// bulk. Default 1 s.</summary>
    public TimeSpan CleanOutboxEvery { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan SyncGrace => TimeSpan.FromSeconds(SyncGraceSeconds);
}
