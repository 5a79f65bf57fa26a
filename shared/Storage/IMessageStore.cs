using Serverless.Messages;

namespace Serverless.Storage;

/// <summary>Message rows of queue shards in one region's store. Every method is a bounded number of storage
/// requests (receive never scans a partition; timers cost O(due work)); concurrency is ETag-based, so a lost race
/// is an outcome (<see cref="LeaseAttempt.Lost"/>, <see cref="SettleStatus.Stale"/>), not an error. A shard whose
/// head row is gone (its queue is being deleted) answers writes that need it with <see cref="QueueFencedException"/>.</summary>
public interface IMessageStore
{
    /// <summary>Creates a shard's head row (its fence, and its count when it has limits); safe to repeat.</summary>
    Task CreatePartitionAsync(QueuePartition partition, CancellationToken cancellationToken = default);

    /// <summary>Takes the head row away: from now on no publish can commit into the shard. Returns what it held.</summary>
    Task<PartitionHeadState?> FencePartitionAsync(QueuePartition partition, CancellationToken cancellationToken = default);

    /// <summary>Puts a head row back as it was (a delete that was refused).</summary>
    Task UnfencePartitionAsync(QueuePartition partition, PartitionHeadState? state, CancellationToken cancellationToken = default);

    /// <summary>Whether the shard holds no message at all (ready, delayed, in flight or moving).</summary>
    Task<bool> IsEmptyAsync(QueuePartition partition, CancellationToken cancellationToken = default);

    /// <summary>Whether a message of the shard is leased and its lease has not ended.</summary>
    Task<bool> HasInFlightAsync(QueuePartition partition, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Deletes up to <paramref name="maxRows"/> rows of a deleted queue incarnation (all its shards); true when none is left.</summary>
    Task<bool> DeleteIncarnationAsync(string vhost, string queue, string incarnation, int maxRows, CancellationToken cancellationToken = default);

    /// <summary>Appends messages; each message and its rows commit together, and a transaction holds as many as fit.
    /// A message id seen within its dedup window is <see cref="AppendStatus.Duplicate"/> (whatever the shard's fill);
    /// with limits, a message that does not fit is <see cref="AppendStatus.Refused"/> when <paramref name="refuseOverflow"/>,
    /// else stored and reported in <see cref="AppendResult.OverCount"/>. A storage failure part-way throws
    /// <see cref="AppendInterruptedException"/> naming what was stored.</summary>
    Task<AppendResult> AppendAsync(QueuePartition partition, IReadOnlyList<MessageToStore> messages, bool refuseOverflow, CancellationToken cancellationToken = default);

    /// <summary>The first <paramref name="take"/> ready entries: highest priority, then oldest; small messages with their content.</summary>
    Task<IReadOnlyList<IndexEntry>> ListReadyAsync(QueuePartition partition, int take, CancellationToken cancellationToken = default);

    /// <summary>Leases the given ready entries until <paramref name="visibleUntil"/> in one transaction per
    /// attempt; entries another receiver took first come back as lost.</summary>
    Task<LeaseAttempt> LeaseAsync(QueuePartition partition, IReadOnlyList<IndexEntry> picks, DateTimeOffset visibleUntil, CancellationToken cancellationToken = default);

    /// <summary>Removes the given ready entries for good (receive with auto-ack); returns those this call removed.</summary>
    Task<IReadOnlyList<IndexEntry>> TakeAsync(QueuePartition partition, IReadOnlyList<IndexEntry> picks, CancellationToken cancellationToken = default);

    /// <summary>Reads the content of messages kept in body rows (one point read each, in parallel); null where gone.</summary>
    Task<IReadOnlyList<MessageContent?>> ReadBodiesAsync(QueuePartition partition, IReadOnlyList<string> sequences, CancellationToken cancellationToken = default);

    /// <summary>Takes ready or delayed entries out of the queue if unchanged since read, disposing of their
    /// messages as <paramref name="disposal"/> says (dropped, or a pending move for dead-lettering or redrive).</summary>
    Task<int> RemoveAsync(QueuePartition partition, IReadOnlyList<IndexEntry> entries, Disposal disposal, CancellationToken cancellationToken = default);

    /// <summary>Ready and delayed entries whose expiry has passed, from the expiry index (O(due)).</summary>
    Task<IReadOnlyList<IndexEntry>> ListExpiredAsync(QueuePartition partition, DateTimeOffset now, int max, CancellationToken cancellationToken = default);

    /// <summary>Moves whose first step committed and whose copy may not be stored yet.</summary>
    Task<IReadOnlyList<PendingMove>> ListMovesAsync(QueuePartition partition, int max, CancellationToken cancellationToken = default);

    /// <summary>The last step of a move, once its copy is stored: deletes the pending move (and the body row).</summary>
    Task<bool> FinishMoveAsync(QueuePartition partition, PendingMove move, CancellationToken cancellationToken = default);

    /// <summary>Makes due invisible entries ready: ended leases and delayed messages whose time has come (O(due)).
    /// A message whose lease ended after <paramref name="deliveryLimit"/> deliveries leaves the queue as <paramref name="exhausted"/> says.</summary>
    Task<ReleaseResult> ReleaseDueAsync(QueuePartition partition, DateTimeOffset now, int deliveryLimit, int max, Disposal exhausted, CancellationToken cancellationToken = default);

    /// <summary>Deletes messages whose lease the tokens still hold (also after the lease ended, if nobody leased them since).</summary>
    Task<IReadOnlyList<SettleOutcome>> AckAsync(QueuePartition partition, IReadOnlyList<LeaseToken> tokens, CancellationToken cancellationToken = default);

    /// <summary>Returns leased messages to the queue as <paramref name="rules"/> say (at once or after a delay; those that
    /// reached their delivery limit or expired leave the queue instead).</summary>
    Task<IReadOnlyList<SettleOutcome>> RequeueAsync(QueuePartition partition, IReadOnlyList<LeaseToken> tokens, RequeueRules rules, CancellationToken cancellationToken = default);

    /// <summary>Takes leased messages out of the queue (nack without requeue), dropped or moved.</summary>
    Task<IReadOnlyList<SettleOutcome>> RemoveLeasedAsync(QueuePartition partition, IReadOnlyList<LeaseToken> tokens, Disposal disposal, CancellationToken cancellationToken = default);

    /// <summary>Moves the end of each lease the tokens still hold to <paramref name="visibleUntil"/>; the token does not change.</summary>
    Task<IReadOnlyList<SettleOutcome>> ExtendAsync(QueuePartition partition, IReadOnlyList<LeaseToken> tokens, DateTimeOffset visibleUntil, CancellationToken cancellationToken = default);

    /// <summary>Entries in a state, in queue order, without leasing them (peek). An ended lease counts as ready.</summary>
    Task<IReadOnlyList<IndexEntry>> ListAsync(QueuePartition partition, IndexState state, int limit, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Counts by state and body bytes: reads every index row of the partition, for the operator view only.</summary>
    Task<PartitionCounts> CountAsync(QueuePartition partition, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Deletes ready and delayed messages (and those whose lease ended); leased ones stay with their consumers.</summary>
    Task<long> PurgeAsync(QueuePartition partition, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Deletes dedup rows whose window has passed.</summary>
    Task<int> PruneAsync(QueuePartition partition, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Counts the shard under its limits' signature: resets the head to it when it counts under another,
    /// then marks up to <paramref name="max"/> uncounted ready and delayed rows. The count is complete after a pass
    /// finds none, once <paramref name="settle"/> has passed since the reset (every instance then counts what it writes).
    /// Returns how many rows it marked.</summary>
    Task<int> CountUnderLimitsAsync(QueuePartition partition, int max, TimeSpan settle, CancellationToken cancellationToken = default);
}
