namespace Serverless.Events;

/// <summary>The CloudEvents <c>type</c> of every event the service raises (the API's list, spelled as there).</summary>
public static class EventTypes
{
    public const string QueueCreated = "Serverless.Queue.Created";
    public const string QueueDeleted = "Serverless.Queue.Deleted";
    public const string MessageDeadLettered = "Serverless.Message.DeadLettered";
    public const string ReplicationLagging = "Serverless.Replication.Lagging";
    public const string ReplicationDegraded = "Serverless.Replication.Degraded";
    public const string ReplicationSynchronized = "Serverless.Replication.Synchronized";
    public const string RegionUnreachable = "Serverless.Region.Unreachable";
    public const string FailoverStarted = "Serverless.Failover.Started";
    public const string FailoverCompleted = "Serverless.Failover.Completed";
    public const string FlowThrottled = "Serverless.Flow.Throttled";

    public static IReadOnlyList<string> All { get; } =
    [
        QueueCreated, QueueDeleted, MessageDeadLettered, ReplicationLagging, ReplicationDegraded,
        ReplicationSynchronized, RegionUnreachable, FailoverStarted, FailoverCompleted, FlowThrottled,
    ];
}
