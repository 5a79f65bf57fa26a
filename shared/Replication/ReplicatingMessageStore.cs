using Serverless.Errors;
using Serverless.Messages;
using Serverless.Storage;

namespace Serverless.Replication;

/// <summary>The message store the engine uses: the primary region's store, with every call's committed changes handed to
/// the <see cref="Replicator"/> before the call returns (so a sync queue's change is confirmed only once the secondary
/// has it), and the shard lifecycle mirrored (a new shard's head row, a deleted incarnation's rows).</summary>
public sealed class ReplicatingMessageStore(IMessageStore primary, Replicator replicator, MetadataMirrorState mirrorState, Storage.Tables.TableReplicaRepair secondaryShards, Storage.Tables.TableMessageStore secondary) : IMessageStore
{
    public async Task CreatePartitionAsync(QueuePartition partition, CancellationToken cancellationToken = default)
    {
        await primary.CreatePartitionAsync(partition, cancellationToken);
        try
        {
            await secondaryShards.EnsureHeadAsync(partition, cancellationToken);
        }
        catch (UnavailableException)
        {
            mirrorState.Dirty(); // the catch-up writes it
        }
    }

    public Task<PartitionHeadState?> FencePartitionAsync(QueuePartition partition, CancellationToken cancellationToken = default) =>
        primary.FencePartitionAsync(partition, cancellationToken);

    public Task UnfencePartitionAsync(QueuePartition partition, PartitionHeadState? state, CancellationToken cancellationToken = default) =>
        primary.UnfencePartitionAsync(partition, state, cancellationToken);

    public Task<bool> IsEmptyAsync(QueuePartition partition, CancellationToken cancellationToken = default) => primary.IsEmptyAsync(partition, cancellationToken);

    public Task<bool> HasInFlightAsync(QueuePartition partition, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        primary.HasInFlightAsync(partition, now, cancellationToken);

    /// <summary>Collects in both regions; the secondary's share waits for the next pass when it is away.</summary>
    public async Task<bool> DeleteIncarnationAsync(string vhost, string queue, string incarnation, int maxRows, CancellationToken cancellationToken = default)
    {
        var primaryDone = await primary.DeleteIncarnationAsync(vhost, queue, incarnation, maxRows, cancellationToken);
        var secondaryDone = await secondary.DeleteIncarnationAsync(vhost, queue, incarnation, maxRows, cancellationToken);
        return primaryDone && secondaryDone;
    }

    public async Task<AppendResult> AppendAsync(QueuePartition partition, IReadOnlyList<MessageToStore> messages, bool refuseOverflow, CancellationToken cancellationToken = default)
    {
        using var capture = ChangeCapture.Begin();
        AppendResult result;
        try
        {
            result = await primary.AppendAsync(partition, messages, refuseOverflow, cancellationToken);
        }
        catch (AppendInterruptedException)
        {
            // What committed before the failure is replicated (or left to the catch-up) before the answer says so.
            await ReplicateOrUnconfirmAsync(partition, capture, messages.Count, cancellationToken);
            throw;
        }
        await ReplicateOrUnconfirmAsync(partition, capture, messages.Count, cancellationToken);
        return result;
    }

    /// <summary>A sync publish the secondary did not take is not confirmed: every message is reported not stored (they are
    /// in the primary and its outbox, so a retry with the same ids is deduplicated and the catch-up ships them).</summary>
    private async Task ReplicateOrUnconfirmAsync(QueuePartition partition, ChangeCapture capture, int messages, CancellationToken cancellationToken)
    {
        try
        {
            await replicator.CommittedAsync(partition, capture, cancellationToken);
        }
        catch (UnavailableException unavailable)
        {
            throw new AppendInterruptedException(new AppendStatus?[messages], unavailable);
        }
    }

    public Task<IReadOnlyList<IndexEntry>> ListReadyAsync(QueuePartition partition, int take, CancellationToken cancellationToken = default) =>
        primary.ListReadyAsync(partition, take, cancellationToken);

    public Task<LeaseAttempt> LeaseAsync(QueuePartition partition, IReadOnlyList<IndexEntry> picks, DateTimeOffset visibleUntil, CancellationToken cancellationToken = default) =>
        primary.LeaseAsync(partition, picks, visibleUntil, cancellationToken);

    public Task<IReadOnlyList<IndexEntry>> TakeAsync(QueuePartition partition, IReadOnlyList<IndexEntry> picks, CancellationToken cancellationToken = default) =>
        ReplicatedAsync(partition, () => primary.TakeAsync(partition, picks, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<MessageContent?>> ReadBodiesAsync(QueuePartition partition, IReadOnlyList<string> sequences, CancellationToken cancellationToken = default) =>
        primary.ReadBodiesAsync(partition, sequences, cancellationToken);

    public Task<int> RemoveAsync(QueuePartition partition, IReadOnlyList<IndexEntry> entries, Disposal disposal, CancellationToken cancellationToken = default) =>
        ReplicatedAsync(partition, () => primary.RemoveAsync(partition, entries, disposal, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<IndexEntry>> ListExpiredAsync(QueuePartition partition, DateTimeOffset now, int max, CancellationToken cancellationToken = default) =>
        primary.ListExpiredAsync(partition, now, max, cancellationToken);

    public Task<IReadOnlyList<PendingMove>> ListMovesAsync(QueuePartition partition, int max, CancellationToken cancellationToken = default) =>
        primary.ListMovesAsync(partition, max, cancellationToken);

    public Task<bool> FinishMoveAsync(QueuePartition partition, PendingMove move, CancellationToken cancellationToken = default) =>
        primary.FinishMoveAsync(partition, move, cancellationToken);

    public Task<ReleaseResult> ReleaseDueAsync(QueuePartition partition, DateTimeOffset now, int deliveryLimit, int max, Disposal exhausted, CancellationToken cancellationToken = default) =>
        ReplicatedAsync(partition, () => primary.ReleaseDueAsync(partition, now, deliveryLimit, max, exhausted, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<SettleOutcome>> AckAsync(QueuePartition partition, IReadOnlyList<LeaseToken> tokens, CancellationToken cancellationToken = default) =>
        ReplicatedAsync(partition, () => primary.AckAsync(partition, tokens, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<SettleOutcome>> RequeueAsync(QueuePartition partition, IReadOnlyList<LeaseToken> tokens, RequeueRules rules, CancellationToken cancellationToken = default) =>
        ReplicatedAsync(partition, () => primary.RequeueAsync(partition, tokens, rules, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<SettleOutcome>> RemoveLeasedAsync(QueuePartition partition, IReadOnlyList<LeaseToken> tokens, Disposal disposal, CancellationToken cancellationToken = default) =>
        ReplicatedAsync(partition, () => primary.RemoveLeasedAsync(partition, tokens, disposal, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<SettleOutcome>> ExtendAsync(QueuePartition partition, IReadOnlyList<LeaseToken> tokens, DateTimeOffset visibleUntil, CancellationToken cancellationToken = default) =>
        primary.ExtendAsync(partition, tokens, visibleUntil, cancellationToken);

    public Task<IReadOnlyList<IndexEntry>> ListAsync(QueuePartition partition, IndexState state, int limit, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        primary.ListAsync(partition, state, limit, now, cancellationToken);

    public Task<PartitionCounts> CountAsync(QueuePartition partition, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        primary.CountAsync(partition, now, cancellationToken);

    public Task<long> PurgeAsync(QueuePartition partition, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        ReplicatedAsync(partition, () => primary.PurgeAsync(partition, now, cancellationToken), cancellationToken);

    public Task<int> PruneAsync(QueuePartition partition, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        primary.PruneAsync(partition, now, cancellationToken);

    public Task<int> CountUnderLimitsAsync(QueuePartition partition, int max, TimeSpan settle, CancellationToken cancellationToken = default) =>
        primary.CountUnderLimitsAsync(partition, max, settle, cancellationToken);

    private async Task<T> ReplicatedAsync<T>(QueuePartition partition, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        using var capture = ChangeCapture.Begin();
        T result;
        try
        {
            result = await call();
        }
        catch (UnavailableException)
        {
            // Part of it may have committed: ship that too (or leave it to the catch-up) before the failure is answered.
            await replicator.CommittedAsync(partition, capture, cancellationToken);
            throw;
        }
        await replicator.CommittedAsync(partition, capture, cancellationToken);
        return result;
    }
}
