using Serverless.Errors;
using Serverless.Queues;
using Serverless.Storage.Tables;

namespace Serverless.Replication;

/// <summary>Flow control for <c>async</c> queues: while a shard's oldest unshipped change is older than the queue's
/// <c>maxReplicationLagSeconds</c>, publishes are answered 429 with <c>Retry-After</c> — producers slow down instead of the
/// secondary falling further behind. Lag is read from <see cref="ReplicationLag"/> (at most one outbox query per shard per
/// second and instance).</summary>
public sealed class ReplicationThrottle(ReplicationLag lag, Events.IEventPublisher events, Telemetry.ServiceMetrics metrics, TimeProvider time)
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    /// <summary>A queue throttled for minutes must not write an event per refused publish: one per queue and instance
    /// per this interval (RabbitMQ's flow state is likewise a state, not a per-message signal).</summary>
    private static readonly TimeSpan EventInterval = TimeSpan.FromMinutes(1);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset> lastRaised = new(StringComparer.Ordinal);

    public async Task EnsureWithinLagAsync(QueueDefinition queue, CancellationToken cancellationToken = default)
    {
        if ((queue.Effective.Replication ?? ReplicationMode.Sync) != ReplicationMode.Async) return;
        var max = queue.Effective.MaxReplicationLagSeconds ?? QueueArguments.Defaults.MaxReplicationLagSeconds!.Value;
        foreach (var partition in queue.Partitions)
        {
            var behind = lag.SecondsBehind(await lag.GetAsync(MessageRows.PartitionKey(partition), cancellationToken));
            if (behind > max)
            {
                metrics.Throttled(Telemetry.ThrottleKinds.ReplicationLag, queue.Vhost, queue.Name);
                await RaiseOnceInAWhileAsync(queue, behind, max, cancellationToken);
                throw new ThrottledException(
                    $"Queue '{queue.Name}' is {behind:0} s behind in the secondary region, over its maxReplicationLagSeconds of {max}: retry later.", RetryAfter);
            }
        }
    }

    private async Task RaiseOnceInAWhileAsync(QueueDefinition queue, double behind, int max, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var key = $"{queue.Vhost}|{queue.Name}";
        var last = lastRaised.GetValueOrDefault(key, DateTimeOffset.MinValue);
        if (now - last < EventInterval || !lastRaised.TryUpdate(key, now, last) && !lastRaised.TryAdd(key, now)) return;
        await events.PublishAsync(ReplicationEvents.Lagging(queue, behind, max, now), cancellationToken);
        await events.PublishAsync(ReplicationEvents.Throttled(queue, behind, max, RetryAfter, now), cancellationToken);
    }
}
