namespace Serverless.Telemetry;

/// <summary>Values of the <c>kind</c> tag of <c>serverless.requests.throttled</c>.</summary>
public static class ThrottleKinds
{
    /// <summary>An <c>async</c> queue's replication fell behind its <c>maxReplicationLagSeconds</c>.</summary>
    public const string ReplicationLag = "replicationLag";

    /// <summary>A client went over its request rate.</summary>
    public const string RateLimit = "rateLimit";
}
