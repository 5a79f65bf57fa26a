namespace Serverless.Failover;

/// <summary>Automatic failover's settings at first start (then the stored topology's <c>autoFailover</c> rules, changed
/// with <c>PUT /api/v1/topology/auto-failover</c>). Bound from the <c>Failover</c> configuration section.</summary>
public sealed class FailoverOptions
{
    public const string SectionName = "Failover";

    /// <summary><c>Failover:AutoFailover</c>: whether <c>ProbeRegions</c> promotes the secondary. Default true.</summary>
    public bool AutoFailover { get; set; } = true;

    /// <summary><c>Failover:ProbeIntervalSeconds</c>: seconds between probes. Default 5 (the Bicep deployment sets 10).</summary>
    public int ProbeIntervalSeconds { get; set; } = 5;

    /// <summary><c>Failover:FailureThreshold</c>: failed probes of the primary in a row before it is replaced. Default 3.</summary>
    public int FailureThreshold { get; set; } = 3;

    /// <summary><c>Failover:Promote</c>: <c>whenSynced</c> (only a synchronized secondary) or <c>always</c>. Default whenSynced.</summary>
    public string Promote { get; set; } = AutoFailoverSettings.WhenSynced;

    public AutoFailoverSettings Settings => new(AutoFailover, ProbeIntervalSeconds, FailureThreshold, Promote);
}
