using Serverless.Failover;
using Serverless.Health;
using Serverless.Queues;
using Serverless.Storage.Tables;

namespace Serverless.Replication;

/// <summary>Measures the topology: the stored roles and epoch, both regions probed now, the secondary's standing, and
/// what every partition's outbox still holds (O(partitions + lag); an operator's view).</summary>
public sealed class TopologyService(RegionHealth health, RegionRoles roles, QueueDirectory directory)
{
    /// <summary>Unshipped changes counted per partition at most; beyond it the count says "at least".</summary>
    public const int CountUpTo = 10_000;

    public Task<Topology> GetAsync(CancellationToken cancellationToken = default) => GetAsync(probed: null, cancellationToken);

    /// <summary>The topology with the regions' reachability as <paramref name="probed"/> found it a moment ago (a forced
    /// failover has just read both: probing a hung region again would cost another two seconds), or probed now.</summary>
    public async Task<Topology> GetAsync(HealthReport? probed, CancellationToken cancellationToken = default)
    {
        var record = await roles.GetAsync(cancellationToken);
        var set = roles.SetFor(record.Primary);
        var probe = probed ?? await health.CheckAsync(cancellationToken);
        long messages = 0;
        double seconds = 0;
        var synchronized = false;
        if (probe.Regions.Any(r => r.Role == "primary" && r.Reachable))
        {
            synchronized = (await set.State.GetAsync(cancellationToken)).Synchronized && !set.MirrorState.IsDirty;
            foreach (var partition in (await directory.AllQueuesAsync(cancellationToken)).SelectMany(q => q.Partitions))
            {
                var pending = await set.Lag.MeasureAsync(MessageRows.PartitionKey(partition), CountUpTo, cancellationToken);
                messages += pending.Changes;
                seconds = Math.Max(seconds, set.Lag.SecondsBehind(pending));
            }
        }
        else
        {
            synchronized = set.State.LastKnown?.Synchronized ?? false; // the primary, where it is stored, does not answer
        }
        var regions = probe.Regions.Select(r => r.Role == "primary"
            ? new RegionTopology(r.Name, r.Role, r.Reachable, Synchronized: true, 0, 0, r.LastProbeAt)
            : new RegionTopology(r.Name, r.Role, r.Reachable, synchronized && messages == 0, messages, Math.Round(seconds, 3), r.LastProbeAt)).ToList();
        return new Topology(record.Epoch, record.Primary, regions, record.AutoFailover, record.LastFailover);
    }
}
