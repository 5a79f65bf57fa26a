using Serverless.Events;
using Serverless.Replication;

namespace Serverless.Failover;

/// <summary>The events of failover (subject <c>/regions/{name}</c> of the region concerned).</summary>
public static class FailoverEvents
{
    public static DomainEvent Started(string from, string to, long epoch, string mode, string reason, DateTimeOffset at) =>
        DomainEvent.Create(EventTypes.FailoverStarted, ReplicationEvents.RegionSubject(to), new { from, to, epoch, mode, reason }, at);

    public static DomainEvent Completed(FailoverRecord failover) =>
        DomainEvent.Create(EventTypes.FailoverCompleted, ReplicationEvents.RegionSubject(failover.To),
            new { from = failover.From, to = failover.To, epoch = failover.Epoch, mode = failover.Mode, unreplicatedMessages = failover.UnreplicatedMessages, duration = failover.DurationSeconds, reason = failover.Reason },
            failover.CompletedAt);

    /// <summary>The primary failed <paramref name="failedProbes"/> probes in a row; <paramref name="action"/> says what
    /// automatic failover does about it (promoting, or refusing and why).</summary>
    public static DomainEvent Unreachable(string region, string role, int failedProbes, string action, DateTimeOffset at) =>
        DomainEvent.Create(EventTypes.RegionUnreachable, ReplicationEvents.RegionSubject(region), new { region, role, failedProbes, action }, at);
}
