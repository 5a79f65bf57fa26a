using Serverless.Messages;

namespace Serverless.Storage;

/// <summary>Message rows of queue shards in one region's store. Every method is a bounded number
/// of storage requests (receive never scans a partition); concurrency is ETag-based, so a lost
/// race is an outcome (<see cref="LeaseAttempt.Lost"/>, <see cref="SettleStatus.Stale"/>), not an error.</summary>
public interface IMessageStore
{
    /// <summary>Appends messages; each message, its index row and its dedup row commit together.
    /// A message id already seen within its dedup window is not stored again.</summary>
    Task<IReadOnlyList<AppendStatus>> AppendAsync(QueuePartition partition, IReadOnlyList<MessageToStore> messages, CancellationToken cancellationToken = default);

    /// <summary>The first <paramref name="take"/> ready entries: highest priority, then oldest.</summary>
    Task<IReadOnlyList<IndexEntry>> ListReadyAsync(QueuePartition partition, int take, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="max"/> ready entries in queue order, over as many pages as needed (length limits).</summary>
    Task<IReadOnlyList<IndexEntry>> ScanReadyAsync(QueuePartition partition, int max, CancellationToken cancellationToken = default);

    /// <summary>Leases the given ready entries until <paramref name="visibleUntil"/> in one transaction per
    /// attempt; entries another receiver took first come back as lost.</summary>
    Task<LeaseAttempt> LeaseAsync(QueuePartition partition, IReadOnlyList<IndexEntry> picks, DateTimeOffset visibleUntil, CancellationToken cancellationToken = default);

    /// <summary>Reads message contents by sequence (one point read each, in parallel); null where gone.</summary>
    Task<IReadOnlyList<MessageContent?>> ReadAsync(QueuePartition partition, IReadOnlyList<string> sequences, CancellationToken cancellationToken = default);

    /// <summary>Takes ready or delayed entries out of the queue if unchanged since read, disposing of their
    /// messages as <paramref name="disposal"/> says (dropped, or a pending move for dead-lettering or redrive).</summary>
    Task<int> RemoveAsync(QueuePartition partition, IReadOnlyList<IndexEntry> entries, Disposal disposal, CancellationToken cancellationToken = default);

    /// <summary>Ready and delayed entries past their message TTL or the queue's.</summary>
    Task<IReadOnlyList<IndexEntry>> ListExpiredAsync(QueuePartition partition, DateTimeOffset now, TimeSpan? queueTtl, int max, CancellationToken cancellationToken = default);

    /// <summary>Moves whose first step committed and whose copy may not be stored yet.</summary>
    Task<IReadOnlyList<PendingMove>> ListMovesAsync(QueuePartition partition, int max, CancellationToken cancellationToken = default);

    /// <summary>The last step of a move, once its copy is stored: deletes the pending move and the message.</summary>
    Task<bool> FinishMoveAsync(QueuePartition partition, PendingMove move, CancellationToken cancellationToken = default);

    /// <summary>Makes due invisible entries ready: expired leases and delayed messages whose time has come.
    /// A message whose lease expired after <paramref name="deliveryLimit"/> deliveries leaves the queue as <paramref name="exhausted"/> says.</summary>
    Task<ReleaseResult> ReleaseDueAsync(QueuePartition partition, DateTimeOffset now, int deliveryLimit, int max, Disposal exhausted, CancellationToken cancellationToken = default);

    /// <summary>Deletes messages whose lease the tokens still hold.</summary>
    Task<IReadOnlyList<SettleOutcome>> AckAsync(QueuePartition partition, IReadOnlyList<LeaseToken> tokens, CancellationToken cancellationToken = default);

    /// <summary>Returns leased messages to the queue (visible at <paramref name="visibleAt"/>, or at once);
    /// those that reached <paramref name="deliveryLimit"/> deliveries leave as <paramref name="exhausted"/> says.</summary>
    Task<IReadOnlyList<SettleOutcome>> RequeueAsync(QueuePartition partition, IReadOnlyList<LeaseToken> tokens, DateTimeOffset? visibleAt, int deliveryLimit, Disposal exhausted, CancellationToken cancellationToken = default);

    /// <summary>Takes leased messages out of the queue (nack without requeue), dropped or moved.</summary>
    Task<IReadOnlyList<SettleOutcome>> RemoveLeasedAsync(QueuePartition partition, IReadOnlyList<LeaseToken> tokens, Disposal disposal, CancellationToken cancellationToken = default);

    /// <summary>Moves the end of each still-held lease to <paramref name="visibleUntil"/>; the token does not change.</summary>
    Task<IReadOnlyList<SettleOutcome>> ExtendAsync(QueuePartition partition, IReadOnlyList<LeaseToken> tokens, DateTimeOffset visibleUntil, CancellationToken cancellationToken = default);

    /// <summary>Entries in a state, in queue order, without leasing them (peek).</summary>
    Task<IReadOnlyList<IndexEntry>> ListAsync(QueuePartition partition, IndexState state, int limit, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Counts by state and body bytes: reads every index row of the partition, for the operator view only.</summary>
    Task<PartitionCounts> CountAsync(QueuePartition partition, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Deletes ready and delayed messages; leased ones stay with their consumers.</summary>
    Task<long> PurgeAsync(QueuePartition partition, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Deletes every row of the partition.</summary>
    Task DeletePartitionAsync(QueuePartition partition, CancellationToken cancellationToken = default);

    /// <summary>Deletes dedup rows whose window has passed.</summary>
    Task<int> PruneDeduplicationAsync(QueuePartition partition, DateTimeOffset now, CancellationToken cancellationToken = default);
}
