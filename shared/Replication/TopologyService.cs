using Serverless.Health;
using Serverless.Queues;
using Serverless.Storage.Tables;

namespace Serverless.Replication;

/// <summary>Measures the topology: probes both regions, reads the secondary's standing, and sums what every partition's
/// outbox still holds (O(partitions + lag); an operator's view).</summary>
public sealed class TopologyService(RegionHealth health, ReplicationState state, ReplicationLag lag, QueueDirectory directory)
{
    /// <summary>Unshipped changes counted per partition at most; beyond it the count says "at least".</summary>
    public const int CountUpTo = 10_000;

    public async Task<Topology> GetAsync(CancellationToken cancellationToken = default)
    {
        var probe = await health.CheckAsync(cancellationToken);
        var status = await state.GetAsync(cancellationToken);
        long messages = 0;
        double seconds = 0;
        if (probe.Regions.Any(r => r.Role == "primary" && r.Reachable))
        {
            foreach (var partition in (await directory.AllQueuesAsync(cancellationToken)).SelectMany(q => q.Partitions))
            {
                var pending = await lag.MeasureAsync(MessageRows.PartitionKey(partition), CountUpTo, cancellationToken);
                messages += pending.Changes;
                seconds = Math.Max(seconds, lag.SecondsBehind(pending));
            }
        }
        var regions = probe.Regions.Select(r => r.Role == "primary"
            ? new RegionTopology(r.Name, r.Role, r.Reachable, Synchronized: true, 0, 0, r.LastProbeAt)
            : new RegionTopology(r.Name, r.Role, r.Reachable, status.Synchronized && messages == 0, messages, Math.Round(seconds, 3), r.LastProbeAt)).ToList();
        return new Topology(Epoch: 1, probe.Regions.First(r => r.Role == "primary").Name, regions);
    }
}
