using Serverless.Events;
using Serverless.Queues;

namespace Serverless.Replication;

/// <summary>The events of replication: a region's standing (subject <c>/regions/{name}</c>) and a queue's lag and
/// throttling (subject <c>/vhosts/{vhost}/queues/{queue}</c>).</summary>
public static class ReplicationEvents
{
    public static DomainEvent Degraded(string region, string reason, DateTimeOffset at) =>
        DomainEvent.Create(EventTypes.ReplicationDegraded, RegionSubject(region), new { region, synchronized = false, reason }, at);

    public static DomainEvent Synchronized(string region, DateTimeOffset at) =>
        DomainEvent.Create(EventTypes.ReplicationSynchronized, RegionSubject(region), new { region, synchronized = true }, at);

    public static DomainEvent Lagging(QueueDefinition queue, double lagSeconds, int maxReplicationLagSeconds, DateTimeOffset at) =>
        DomainEvent.Create(EventTypes.ReplicationLagging, QueueEvents.Subject(queue.Vhost, queue.Name),
            new { vhost = queue.Vhost, queue = queue.Name, lagSeconds = Math.Round(lagSeconds, 1), maxReplicationLagSeconds }, at);

    public static DomainEvent Throttled(QueueDefinition queue, double lagSeconds, int maxReplicationLagSeconds, TimeSpan retryAfter, DateTimeOffset at) =>
        DomainEvent.Create(EventTypes.FlowThrottled, QueueEvents.Subject(queue.Vhost, queue.Name),
            new { vhost = queue.Vhost, queue = queue.Name, reason = "replicationLag", lagSeconds = Math.Round(lagSeconds, 1), maxReplicationLagSeconds, retryAfterSeconds = (int)retryAfter.TotalSeconds }, at);

    public static string RegionSubject(string region) => $"/regions/{region}";
}
