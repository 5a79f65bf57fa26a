using Serverless.Failover;

namespace Serverless.Functions;

/// <summary>Every second it looks whether a probe is due (<c>autoFailover.probeIntervalSeconds</c>, 5 s by default):
/// probes both regions and, after <c>failureThreshold</c> failed probes of the primary, promotes the secondary if
/// <c>autoFailover</c> allows it.</summary>
public sealed class ProbeRegions(RegionProber prober)
{
    [Function(nameof(ProbeRegions))]
    public Task<ProbeOutcome> Run([TimerTrigger("* * * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        prober.TickAsync(cancellationToken);
}
