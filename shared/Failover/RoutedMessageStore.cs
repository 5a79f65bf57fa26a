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
        var store = await roles.ForWriteAsync(cancellationToken);
        await store.Messages.CreatePartitionAsync(partition, cancellationToken);
    }

    public async Task<PartitionHeadState?> FencePartitionAsync(QueuePartition partition, CancellationToken cancellationToken = default)
    {
        var store = await roles.ForWriteAsync(cancellationToken);
        return await store.Messages.FencePartitionAsync(partition, cancellationToken);
    }

    public async Task UnfencePartitionAsync(QueuePartition partition, PartitionHeadState? state, CancellationToken cancellationToken = default)
    {
        var store = await roles.ForWriteAsync(cancellationToken);
        await store.Messages.UnfencePartitionAsync(partition, state, cancellationToken);
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
        var store = await roles.ForWriteAsync(cancellationToken);
        return await store.Messages.DeleteIncarnationAsync(vhost, queue, incarnation, maxRows, cancellationToken);
    }

    public async Task<AppendResult> AppendAsync(QueuePartition partition, IReadOnlyList<MessageToStore> messages, bool refuseOverflow, CancellationToken cancellationToken = default)
    {
        var store = await roles.ForWriteAsync(cancellationToken);
        return await store.Messages.AppendAsync(partition, messages, refuseOverflow, cancellationToken);
    }

    public async Task<IReadOnlyList<IndexEntry>> ListReadyAsync(QueuePartition partition, int take, CancellationToken cancellationToken = default)
    {
        var store = await roles.ForReadAsync(cancellationToken);
        return await store.Messages.ListReadyAsync(partition, take, cancellationToken);
    }

    public async Task<LeaseAttempt> LeaseAsync(QueuePartition partition, IReadOnlyList<IndexEntry> picks, DateTimeOffset visibleUntil, CancellationToken cancellationToken = default)
    {
        var store = await roles.ForWriteAsync(cancellationToken);
        return await store.Messages.LeaseAsync(partition, picks, visibleUntil, cancellationToken);
    }

    public async Task<IReadOnlyList<IndexEntry>> TakeAsync(QueuePartition partition, IReadOnlyList<IndexEntry> picks, CancellationToken cancellationToken = default)
    {
        var store = await roles.ForWriteAsync(cancellationToken);
        return await store.Messages.TakeAsync(partition, picks, cancellationToken);
    }

    public async Task<IReadOnlyList<MessageContent?>> ReadBodiesAsync(QueuePartition partition, IReadOnlyList<string> sequences, CancellationToken cancellationToken = default)
    {
        var store = await roles.ForReadAsync(cancellationToken);
        return await store.Messages.ReadBodiesAsync(partition, sequences, cancellationToken);
    }

    public async Task<int> RemoveAsync(QueuePartition partition, IReadOnlyList<IndexEntry> entries, Disposal disposal, CancellationToken cancellationToken = default)
    {
        var store = await roles.ForWriteAsync(cancellationToken);
        return await store.Messages.RemoveAsync(partition, entries, disposal, cancellationToken);
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
        var store = await roles.ForWriteAsync(cancellationToken);
        return await store.Messages.FinishMoveAsync(partition, move, cancellationToken);
    }

    public async Task<ReleaseResult> ReleaseDueAsync(QueuePartition partition, DateTimeOffset now, int deliveryLimit, int max, Disposal exhausted, CancellationToken cancellationToken = default)
    {
        var store = await roles.ForWriteAsync(cancellationToken);
        return await store.Messages.ReleaseDueAsync(partition, now, deliveryLimit, max, exhausted, cancellationToken);
    }

    public async Task<IReadOnlyList<SettleOutcome>> AckAsync(QueuePartition partition, IReadOnlyList<LeaseToken> tokens, CancellationToken cancellationToken = default)
    {
        var store = await roles.ForWriteAsync(cancellationToken);
        return await store.Messages.AckAsync(partition, tokens, cancellationToken);
    }

    public async Task<IReadOnlyList<SettleOutcome>> RequeueAsync(QueuePartition partition, IReadOnlyList<LeaseToken> tokens, RequeueRules rules, CancellationToken cancellationToken = default)
    {
        var store = await roles.ForWriteAsync(cancellationToken);
        return await store.Messages.RequeueAsync(partition, tokens, rules, cancellationToken);
    }

    public async Task<IReadOnlyList<SettleOutcome>> RemoveLeasedAsync(QueuePartition partition, IReadOnlyList<LeaseToken> tokens, Disposal disposal, CancellationToken cancellationToken = default)
    {
        var store = await roles.ForWriteAsync(cancellationToken);
        return await store.Messages.RemoveLeasedAsync(partition, tokens, disposal, cancellationToken);
    }

    public async Task<IReadOnlyList<SettleOutcome>> ExtendAsync(QueuePartition partition, IReadOnlyList<LeaseToken> tokens, DateTimeOffset visibleUntil, CancellationToken cancellationToken = default)
    {
        var store = await roles.ForWriteAsync(cancellationToken);
        return await store.Messages.ExtendAsync(partition, tokens, visibleUntil, cancellationToken);
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
        var store = await roles.ForWriteAsync(cancellationToken);
        return await store.Messages.PurgeAsync(partition, now, cancellationToken);
    }

    public async Task<int> PruneAsync(QueuePartition partition, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var store = await roles.ForWriteAsync(cancellationToken);
        return await store.Messages.PruneAsync(partition, now, cancellationToken);
    }

    public async Task<int> CountUnderLimitsAsync(QueuePartition partition, int max, TimeSpan settle, CancellationToken cancellationToken = default)
    {
        var store = await roles.ForReadAsync(cancellationToken);
        return await store.Messages.CountUnderLimitsAsync(partition, max, settle, cancellationToken);
    }
}
