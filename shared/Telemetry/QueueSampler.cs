using Serverless.Errors;
using Serverless.Queues;
using Serverless.Vhosts;

namespace Serverless.Telemetry;

/// <summary>The <c>SampleQueueDepth</c> pass: every queue of every vhost measured as <c>GET .../queues</c> measures it
/// (counts by state, replication lag), handed to the gauges of <see cref="ServiceMetrics"/>. It costs what listing every
/// vhost's queues costs: per queue shard one count query (paged by 1,000 index rows) and one outbox query.</summary>
public sealed class QueueSampler(VhostService vhosts, QueueService queues, ServiceMetrics metrics)
{
    public async Task<int> SampleAsync(CancellationToken cancellationToken = default)
    {
        var sampled = new List<QueueSample>();
        foreach (var vhost in await vhosts.ListAsync(cancellationToken))
        {
            IReadOnlyList<QueueInfo> found;
            try
            {
                found = await queues.ListAsync(vhost.Name, cancellationToken);
            }
            catch (NotFoundException)
            {
                continue; // deleted since it was listed
            }
            sampled.AddRange(found.Select(q => new QueueSample(q.Vhost, q.Name, q.Messages.Ready, q.Messages.InFlight, q.Messages.Delayed,
                q.Replication.LagMessages, q.Replication.LagSeconds)));
        }
        metrics.Sampled(sampled);
        return sampled.Count;
    }
}
