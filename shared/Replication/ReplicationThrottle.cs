using Serverless.Errors;
using Serverless.Queues;
using Serverless.Storage.Tables;

namespace Serverless.Replication;

/// <summary>Flow control for <c>async</c> queues: while a shard's oldest unshipped change is older than the queue's
/// <c>maxReplicationLagSeconds</c>, publishes are answered 429 with <c>Retry-After</c> — producers slow down instead of the
/// secondary falling further behind. Lag is read from <see cref="ReplicationLag"/> (at most one outbox query per shard per
/// second and instance).</summary>
public sealed class ReplicationThrottle(ReplicationLag lag)
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    public async Task EnsureWithinLagAsync(QueueDefinition queue, CancellationToken cancellationToken = default)
    {
        if ((queue.Effective.Replication ?? ReplicationMode.Sync) != ReplicationMode.Async) return;
        var max = queue.Effective.MaxReplicationLagSeconds ?? QueueArguments.Defaults.MaxReplicationLagSeconds!.Value;
        foreach (var partition in queue.Partitions)
        {
            var behind = lag.SecondsBehind(await lag.GetAsync(MessageRows.PartitionKey(partition), cancellationToken));
            if (behind > max)
            {
                throw new ThrottledException(
                    $"Queue '{queue.Name}' is {behind:0} s behind in the secondary region, over its maxReplicationLagSeconds of {max}: retry later.", RetryAfter);
            }
        }
    }
}
