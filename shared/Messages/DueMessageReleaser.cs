using Microsoft.Extensions.Options;
using Serverless.Queues;
using Serverless.Storage;

namespace Serverless.Messages;

public sealed record SweepResult(int Queues, int Released, int Dropped, int DeduplicationRowsPruned);

/// <summary>The timer side of leases and delays: makes expired leases and due delayed messages
/// ready in every queue, and prunes dedup rows whose window has passed.</summary>
public sealed class DueMessageReleaser(IMetadataStore metadata, IMessageStore store, TimeProvider time, IOptions<EngineOptions> options)
{
    public async Task<SweepResult> ReleaseAllAsync(CancellationToken cancellationToken = default)
    {
        int queues = 0, released = 0, dropped = 0;
        foreach (var definition in await AllQueuesAsync(cancellationToken))
        {
            queues++;
            foreach (var partition in definition.Partitions)
            {
                var result = await store.ReleaseDueAsync(partition, time.GetUtcNow(), definition.Effective.EffectiveDeliveryLimit, options.Value.ReleaseBatch, cancellationToken);
                released += result.Released;
                dropped += result.Dropped;
            }
        }
        return new SweepResult(queues, released, dropped, 0);
    }

    public async Task<SweepResult> PruneDeduplicationAsync(CancellationToken cancellationToken = default)
    {
        int queues = 0, pruned = 0;
        foreach (var definition in await AllQueuesAsync(cancellationToken))
        {
            queues++;
            foreach (var partition in definition.Partitions)
            {
                pruned += await store.PruneDeduplicationAsync(partition, time.GetUtcNow(), cancellationToken);
            }
        }
        return new SweepResult(queues, 0, 0, pruned);
    }

    private async Task<List<QueueDefinition>> AllQueuesAsync(CancellationToken cancellationToken)
    {
        var all = new List<QueueDefinition>();
        foreach (var vhost in await metadata.ListVhostsAsync(cancellationToken))
        {
            all.AddRange((await metadata.ListQueuesAsync(vhost.Name, cancellationToken)).Select(QueueDefinition.From));
        }
        return all;
    }
}
