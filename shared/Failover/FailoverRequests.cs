namespace Serverless.Failover;

/// <summary><c>POST /api/v1/topology/failover</c>: <c>planned</c> or <c>forced</c>.</summary>
public sealed record FailoverRequest
{
    public string? Mode { get; init; }
}

/// <summary><c>PUT /api/v1/topology/auto-failover</c>: the automatic failover block; a field left out keeps its value.</summary>
public sealed record AutoFailoverRequest
{
    public bool? Enabled { get; init; }
    public int? ProbeIntervalSeconds { get; init; }
    public int? FailureThreshold { get; init; }
    public string? Promote { get; init; }
}
