using Microsoft.Extensions.Options;
using Serverless.Queues;
using Serverless.Storage;

namespace Serverless.Messages;

public sealed record SweepResult(int Queues, int Released, int Removed, int Expired, int Moved, int Pruned, int Counted);

/// <summary>The timer side of leases, delays, TTL and length limits, over every queue; each pass costs O(due work +
/// shards), never a scan of stored messages: ended leases and due delayed messages become ready; expired messages leave
/// (dead-lettered or dropped) from the expiry index; pending moves complete; dedup rows whose window has passed are
/// pruned; shards whose limits changed are counted anew.</summary>
public sealed class DueMessageReleaser(IMessageStore store, QueueDirectory directory, MessageMover mover, Telemetry.ServiceMetrics metrics, TimeProvider time, IOptions<EngineOptions> options)
{
    public async Task<SweepResult> ReleaseAllAsync(CancellationToken cancellationToken = default)
    {
        var queues = await directory.AllQueuesAsync(cancellationToken);
        int released = 0, removed = 0;
        foreach (var definition in queues)
        {
            foreach (var partition in definition.Partitions)
            {
                var result = await store.ReleaseDueAsync(partition, time.GetUtcNow(), definition.Effective.EffectiveDeliveryLimit, options.Value.ReleaseBatch,
                    MessageMover.DisposalFor(definition, Death.DeliveryLimit), cancellationToken);
                released += result.Released;
                removed += result.Removed;
                if (result.Removed > 0) await mover.CompleteAsync(definition, partition, cancellationToken);
            }
        }
        return new SweepResult(queues.Count, released, removed, 0, 0, 0, 0);
    }

    public async Task<SweepResult> ExpireAllAsync(CancellationToken cancellationToken = default)
    {
        var queues = await directory.AllQueuesAsync(cancellationToken);
        int expired = 0, moved = 0, counted = 0;
        var settle = options.Value.DefinitionCacheTtl + TimeSpan.FromSeconds(2);
        foreach (var definition in queues)
        {
            foreach (var partition in definition.Partitions)
            {
                var due = await store.ListExpiredAsync(partition, time.GetUtcNow(), options.Value.ReleaseBatch, cancellationToken);
                if (due.Count > 0)
                {
                    var removed = await store.RemoveAsync(partition, due, MessageMover.DisposalFor(definition, Death.Expired), cancellationToken);
                    metrics.Expired(definition.Vhost, definition.Name, removed);
                    expired += removed;
                }
                moved += await mover.CompleteAsync(definition, partition, cancellationToken);
                if (definition.Limits is not null) counted += await store.CountUnderLimitsAsync(partition, options.Value.ReleaseBatch * 10, settle, cancellationToken);
            }
        }
        return new SweepResult(queues.Count, 0, 0, expired, moved, 0, counted);
    }

    public async Task<SweepResult> PruneAsync(CancellationToken cancellationToken = default)
    {
        var queues = await directory.AllQueuesAsync(cancellationToken);
        var pruned = 0;
        var now = time.GetUtcNow();
        foreach (var partition in queues.SelectMany(q => q.Partitions))
        {
            pruned += await store.PruneAsync(partition, now, cancellationToken);
        }
        return new SweepResult(queues.Count, 0, 0, 0, 0, pruned, 0);
    }
}
