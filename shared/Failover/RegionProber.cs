using Microsoft.Extensions.Logging;
using Serverless.Errors;
using Serverless.Events;
using Serverless.Health;
using Serverless.Storage.Tables;

namespace Serverless.Failover;

/// <summary><c>ProbeRegions</c>: probes both regions every <c>autoFailover.probeIntervalSeconds</c>; after
/// <c>failureThreshold</c> failed probes of the primary in a row, runs a forced failover when <c>autoFailover</c> allows
/// it — <c>whenSynced</c> only to a synchronized secondary (RabbitMQ's <c>ha-promote-on-failure: when-synced</c>),
/// <c>always</c> to any that answers. Raises <c>Region.Unreachable</c> once per outage, saying what it did about it.</summary>
public sealed class RegionProber(RegionRoles roles, RegionHealth health, FailoverService failover, IEventPublisher events, TimeProvider time, ILogger<RegionProber> logger)
{
    private readonly Lock gate = new();
    private int failures;
    private string? failingPrimary;
    private string? lastAction;
    private DateTimeOffset lastProbe = DateTimeOffset.MinValue;

    /// <summary>One tick of the timer: probes when the interval has passed. Returns what it saw and did.</summary>
    public async Task<ProbeOutcome> TickAsync(CancellationToken cancellationToken = default)
    {
        var topology = await roles.GetAsync(cancellationToken);
        var now = time.GetUtcNow();
        lock (gate)
        {
            if (now - lastProbe < TimeSpan.FromSeconds(topology.AutoFailover.ProbeIntervalSeconds) - TimeSpan.FromMilliseconds(250)) return ProbeOutcome.NotDue;
            lastProbe = now;
        }
        var report = await health.CheckAsync(cancellationToken);
        var primary = report.Regions.First(r => r.Role == "primary");
        var secondary = report.Regions.First(r => r.Role == "secondary");
        if (primary.Reachable)
        {
            lock (gate) (failures, failingPrimary, lastAction) = (0, null, null);
            return new ProbeOutcome(true, primary.Name, true, secondary.Reachable, 0, null);
        }
        int failed;
        lock (gate)
        {
            if (failingPrimary != primary.Name) (failures, failingPrimary, lastAction) = (0, primary.Name, null);
            failed = ++failures;
        }
        var settings = topology.AutoFailover;
        if (failed < settings.FailureThreshold || !settings.Enabled)
        {
            var waiting = settings.Enabled ? $"automatic failover after {settings.FailureThreshold} failed probes" : "automatic failover is disabled";
            await RaiseOnceAsync(primary.Name, failed, waiting, now, cancellationToken);
            return new ProbeOutcome(true, primary.Name, false, secondary.Reachable, failed, null);
        }
        if (!secondary.Reachable)
        {
            await RaiseOnceAsync(primary.Name, failed, $"not promoting: the secondary {secondary.Name} does not answer either", now, cancellationToken);
            return new ProbeOutcome(true, primary.Name, false, false, failed, null);
        }
        if (settings.Promote == AutoFailoverSettings.WhenSynced && !await SecondaryIsSynchronizedAsync(cancellationToken))
        {
            await RaiseOnceAsync(primary.Name, failed, $"not promoting: the secondary {secondary.Name} is not synchronized and autoFailover.promote is whenSynced (set it to always to promote anyway)", now, cancellationToken);
            return new ProbeOutcome(true, primary.Name, false, true, failed, null);
        }
        await RaiseOnceAsync(primary.Name, failed, $"promoting {secondary.Name} (forced failover)", now, cancellationToken);
        try
        {
            var promoted = await failover.FailoverAsync(FailoverModes.Forced, $"automatic: {failed} failed probes of {primary.Name}", cancellationToken);
            lock (gate) (failures, failingPrimary, lastAction) = (0, null, null);
            return new ProbeOutcome(true, primary.Name, false, true, failed, promoted.Primary);
        }
        catch (ConflictException refused)
        {
            logger.LogWarning("Automatic failover did not run: {Reason}", refused.Message);
            return new ProbeOutcome(true, primary.Name, false, true, failed, null);
        }
    }

    /// <summary>Whether the secondary was synchronized when last known: the standing is stored in the primary (which does
    /// not answer) and mirrored to the secondary; both this instance's last reading and the secondary's copy must say so.</summary>
    private async Task<bool> SecondaryIsSynchronizedAsync(CancellationToken cancellationToken)
    {
        var set = roles.Current;
        if (set.State.LastKnown is { Synchronized: false }) return false;
        try
        {
            var mirrored = await new TableMetadataStore(set.Regions.Secondary).GetRecordAsync<Replication.SecondaryStanding>(
                Replication.ReplicationState.Kind, Replication.ReplicationState.Scope, Replication.ReplicationState.KeyFor(set.Regions.Secondary.Name), cancellationToken);
            return mirrored?.Synchronized ?? set.State.LastKnown?.Synchronized ?? false;
        }
        catch (UnavailableException)
        {
            return false;
        }
    }

    private async Task RaiseOnceAsync(string region, int failed, string action, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (lastAction == action) return;
            lastAction = action;
        }
        logger.LogWarning("Primary region {Region} failed {Failed} probes: {Action}.", region, failed, action);
        await events.PublishAsync(FailoverEvents.Unreachable(region, "primary", failed, action, now), cancellationToken);
    }
}

/// <summary>What a probe tick did: whether it probed, the primary and whether it answered, failures in a row, and the
/// region it promoted (if it did).</summary>
public sealed record ProbeOutcome(bool Probed, string? Primary, bool PrimaryReachable, bool SecondaryReachable, int FailedProbes, string? Promoted)
{
    public static ProbeOutcome NotDue { get; } = new(false, null, true, true, 0, null);
}
