using Serverless.Messages;
using Serverless.Storage;

namespace Serverless.Failover;

/// <summary>The message store the engine uses: the current primary's (replicating to the secondary), looked up per
/// call so that a failover moves every later call to the new primary; writes are refused (503 + Retry-After) while a
/// planned failover drains.</summary>
public sealed class RoutedMessageStore(RegionRoles roles) : IMessageStore
{
    public async Task CreatePartitionAsync(QueuePartition partition, CancellationToken cancellationToken = default)
    {
        await roles.WriteAsync(async store => { await store.Messages.CreatePartitionAsync(partition, cancellationToken); return true; }, cancellationToken);
    }

    public async Task<PartitionHeadState?> FencePartitionAsync(QueuePartition partition, CancellationToken cancellationToken = default)
    {
        return await roles.WriteAsync(store => store.Messages.FencePartitionAsync(partition, cancellationToken), cancellationToken);
    }

    public async Task UnfencePartitionAsync(QueuePartition partition, PartitionHeadState? state, CancellationToken cancellationToken = default)
    {
        await roles.WriteAsync(async store => { await store.Messages.UnfencePartitionAsync(partition, state, cancellationToken); return true; }, cancellationToken);
    }

    public async Task<bool> IsEmptyAsync(QueuePartition partition, CancellationToken cancellationToken = default)
    {
        var store = await roles.ForReadAsync(cancellationToken);
        return await store.Messages.IsEmptyAsync(partition, cancellationToken);
    }

    public async Task<bool> HasInFlightAsync(QueuePartition partition, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var store = await roles.ForReadAsync(cancellationToken);
        return await store.Messages.HasInFlightAsync(partition, now, cancellationToken);
    }

    public async Task<bool> DeleteIncarnationAsync(string vhost, string queue, string incarnation, int maxRows, CancellationToken cancellationToken = default)
    {
        return await roles.WriteAsync(store => store.Messages.DeleteIncarnationAsync(vhost, queue, incarnation, maxRows, cancellationToken), cancellationToken);
    }

    public async Task<AppendResult> AppendAsync(QueuePartition partition, IReadOnlyList<MessageToStore> messages, bool refuseOverflow, CancellationToken cancellationToken = default)
    {
        return await roles.WriteAsync(store => store.Messages.AppendAsync(partition, messages, refuseOverflow, cancellationToken), cancellationToken);
    }

    public async Task<IReadOnlyList<IndexEntry>> ListReadyAsync(QueuePartition partition, int take, CancellationToken cancellationToken = default)
    {
        var store = await roles.ForReadAsync(cancellationToken);
        return await store.Messages.ListReadyAsync(partition, take, cancellationToken);
    }

    public async Task<LeaseAttempt> LeaseAsync(QueuePartition partition, IReadOnlyList<IndexEntry> picks, DateTimeOffset visibleUntil, CancellationToken cancellationToken = default)
    {
        return await roles.WriteAsync(store => store.Messages.LeaseAsync(partition, picks, visibleUntil, cancellationToken), cancellationToken);
    }

    public async Task<IReadOnlyList<IndexEntry>> TakeAsync(QueuePartition partition, IReadOnlyList<IndexEntry> picks, CancellationToken cancellationToken = default)
    {
        return await roles.WriteAsync(store => store.Messages.TakeAsync(partition, picks, cancellationToken), cancellationToken);
    }

    public async Task<IReadOnlyList<MessageContent?>> ReadBodiesAsync(QueuePartition partition, IReadOnlyList<string> sequences, CancellationToken cancellationToken = default)
    {
        var store = await roles.ForReadAsync(cancellationToken);
        return await store.Messages.ReadBodiesAsync(partition, sequences, cancellationToken);
    }

    public async Task<int> RemoveAsync(QueuePartition partition, IReadOnlyList<IndexEntry> entries, Disposal disposal, CancellationToken cancellationToken = default)
    {
        return await roles.WriteAsync(store => store.Messages.RemoveAsync(partition, entries, disposal, cancellationToken), cancellationToken);
    }

    public async Task<IReadOnlyList<IndexEntry>> ListExpiredAsync(QueuePartition partition, DateTimeOffset now, int max, CancellationToken cancellationToken = default)
    {
        var store = await roles.ForReadAsync(cancellationToken);
        return await store.Messages.ListExpiredAsync(partition, now, max, cancellationToken);
    }

    public async Task<IReadOnlyList<PendingMove>> ListMovesAsync(QueuePartition partition, int max, CancellationToken cancellationToken = default)
    {
        var store = await roles.ForReadAsync(cancellationToken);
        return await store.Messages.ListMovesAsync(partition, max, cancellationToken);
    }

    public async Task<bool> FinishMoveAsync(QueuePartition partition, PendingMove move, CancellationToken cancellationToken = default)
    {
        return await roles.WriteAsync(store => store.Messages.FinishMoveAsync(partition, move, cancellationToken), cancellationToken);
    }

    public async Task<ReleaseResult> ReleaseDueAsync(QueuePartition partition, DateTimeOffset now, int deliveryLimit, int max, Disposal exhausted, CancellationToken cancellationToken = default)
    {
        return await roles.WriteAsync(store => store.Messages.ReleaseDueAsync(partition, now, deliveryLimit, max, exhausted, cancellationToken), cancellationToken);
    }

    public async Task<IReadOnlyList<SettleOutcome>> AckAsync(QueuePartition partition, IReadOnlyList<LeaseToken> tokens, CancellationToken cancellationToken = default)
    {
        return await roles.WriteAsync(store => store.Messages.AckAsync(partition, tokens, cancellationToken), cancellationToken);
    }

    public async Task<IReadOnlyList<SettleOutcome>> RequeueAsync(QueuePartition partition, IReadOnlyList<LeaseToken> tokens, RequeueRules rules, CancellationToken cancellationToken = default)
    {
        return await roles.WriteAsync(store => store.Messages.RequeueAsync(partition, tokens, rules, cancellationToken), cancellationToken);
    }

    public async Task<IReadOnlyList<SettleOutcome>> RemoveLeasedAsync(QueuePartition partition, IReadOnlyList<LeaseToken> tokens, Disposal disposal, CancellationToken cancellationToken = default)
    {
        return await roles.WriteAsync(store => store.Messages.RemoveLeasedAsync(partition, tokens, disposal, cancellationToken), cancellationToken);
    }

    public async Task<IReadOnlyList<SettleOutcome>> ExtendAsync(QueuePartition partition, IReadOnlyList<LeaseToken> tokens, DateTimeOffset visibleUntil, CancellationToken cancellationToken = default)
    {
        return await roles.WriteAsync(store => store.Messages.ExtendAsync(partition, tokens, visibleUntil, cancellationToken), cancellationToken);
    }

    public async Task<IReadOnlyList<IndexEntry>> ListAsync(QueuePartition partition, IndexState state, int limit, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var store = await roles.ForReadAsync(cancellationToken);
        return await store.Messages.ListAsync(partition, state, limit, now, cancellationToken);
    }

    public async Task<PartitionCounts> CountAsync(QueuePartition partition, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var store = await roles.ForReadAsync(cancellationToken);
        return await store.Messages.CountAsync(partition, now, cancellationToken);
    }

    public async Task<long> PurgeAsync(QueuePartition partition, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        return await roles.WriteAsync(store => store.Messages.PurgeAsync(partition, now, cancellationToken), cancellationToken);
    }

    public async Task<int> PruneAsync(QueuePartition partition, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        return await roles.WriteAsync(store => store.Messages.PruneAsync(partition, now, cancellationToken), cancellationToken);
    }

    public async Task<int> CountUnderLimitsAsync(QueuePartition partition, int max, TimeSpan settle, CancellationToken cancellationToken = default)
    {
        var store = await roles.ForReadAsync(cancellationToken);
        return await store.Messages.CountUnderLimitsAsync(partition, max, settle, cancellationToken);
    }
}
