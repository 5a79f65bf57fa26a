using Microsoft.Extensions.Logging;
using Serverless.Errors;
using Serverless.Events;
using Serverless.Health;
using Serverless.Hosting;
using Serverless.Queues;
using Serverless.Storage;
using Serverless.Storage.Tables;

namespace Serverless.Failover;

public static class FailoverModes
{
    public const string Planned = "planned", Forced = "forced";
}

/// <summary>Promotes the secondary. <c>planned</c>: writes pause (503 + Retry-After), every instance sees the pause, the
/// secondary receives everything, then it is promoted — nothing is lost. <c>forced</c>: promoted at once; what the old
/// primary had not shipped is estimated now and recovered when it returns (<see cref="Reconciler"/>). Either way the new
/// epoch is written to the new primary first, so an instance that reads both regions trusts it.</summary>
public sealed class FailoverService(RegionRoles roles, EngineRegions regions, TableTopologyStore store, QueueDirectory directory, Replication.TopologyService topology, IEventPublisher events, Telemetry.ServiceMetrics metrics, TimeProvider time, ILogger<FailoverService> logger)
{
    /// <summary>A planned failover's pause ends by itself after this (a drain that has not finished gives up).</summary>
    public static readonly TimeSpan PauseLimit = TimeSpan.FromSeconds(60);

    private const int TopologyWriteAttempts = 3;

    private readonly SemaphoreSlim running = new(1, 1);

    public async Task<Replication.Topology> FailoverAsync(string mode, string reason, CancellationToken cancellationToken = default)
    {
        if (mode is not (FailoverModes.Planned or FailoverModes.Forced)) throw InvalidRequestException.For("mode", "must be planned or forced");
        if (!await running.WaitAsync(0, cancellationToken)) throw new ConflictException("Failover refused.", "A failover is already running.");
        try
        {
            var current = await roles.RefreshAsync(cancellationToken);
            var now = time.GetUtcNow();
            if (current.WritesPausedUntil is { } until && until > now)
            {
                throw new ConflictException("Failover refused.", "A planned failover is already running.");
            }
            var from = regions.Named(current.Primary);
            var to = regions.Named(current.Secondary);
            // Both read at once: when the primary hangs, its bounded read is the second a forced failover waits.
            var toRead = store.TryReadAsync(to, cancellationToken);
            var fromRead = store.TryReadAsync(from, cancellationToken);
            var target = await toRead
                ?? throw new ConflictException("Failover refused.", $"The secondary region {to.Name} does not answer: it cannot be promoted.");
            var fromAnswers = await fromRead is not null;
            var readAt = time.GetUtcNow();
            if (mode == FailoverModes.Planned && !fromAnswers)
            {
                throw new ConflictException("Failover refused.", $"The primary region {from.Name} does not answer, so a planned failover cannot drain it: use forced.");
            }
            logger.LogWarning("{Mode} failover from {From} to {To} ({Reason}).", mode, from.Name, to.Name, reason);
            var startedEvent = FailoverEvents.Started(from.Name, to.Name, current.Epoch + 1, mode, reason, now);
            if (mode == FailoverModes.Planned) await events.PublishAsync(startedEvent, cancellationToken);
            var (next, unreplicated) = mode == FailoverModes.Planned
                ? (await PlannedAsync(current, from, to, now, reason, cancellationToken), 0L)
                : await ForcedAsync(current, from, to, target, fromAnswers, now, reason, cancellationToken);
            // A forced failover takes milliseconds and its old primary may be gone: both events go to the new one.
            if (mode == FailoverModes.Forced) await events.PublishAsync(startedEvent, cancellationToken);
            metrics.Failover(mode, from.Name, to.Name);
            await events.PublishAsync(FailoverEvents.Completed(next.LastFailover!), cancellationToken);
            logger.LogWarning("Failover complete: {To} is primary at epoch {Epoch}; {Unreplicated} messages may be missing until the old primary is reconciled.",
                to.Name, next.Epoch, unreplicated);
            if (mode == FailoverModes.Planned) return await topology.GetAsync(cancellationToken);
            var observed = HealthReport.From([new RegionState(to.Name, "primary", true, readAt), new RegionState(from.Name, "secondary", fromAnswers, readAt)]);
            return await topology.GetAsync(observed, cancellationToken) with { UnreplicatedMessages = unreplicated };
        }
        finally
        {
            running.Release();
        }
    }

    private async Task<TopologyRecord> PlannedAsync(TopologyRecord current, StorageRegion from, StorageRegion to, DateTimeOffset started, string reason, CancellationToken cancellationToken)
    {
        var paused = current with { WritesPausedUntil = started + PauseLimit, UpdatedAt = started };
        try
        {
            if (!await WriteSurelyAsync(from, paused, cancellationToken))
            {
                throw new UnavailableException($"The primary region {from.Name} did not take the pause.", TimeSpan.FromSeconds(1));
            }
            await store.TryWriteAsync(to, paused, cancellationToken);
            roles.Use(paused);
            // Every instance sees the pause within its cache time; writes committed before that are in the outbox.
            await Task.Delay(RegionRoles.CacheFor + TimeSpan.FromMilliseconds(500), time, cancellationToken);
            var drained = await roles.SetFor(from.Name).Replicator.DrainAsync(cancellationToken);
            logger.LogInformation("Drained {Changes} changes into {To} before promoting it.", drained, to.Name);
        }
        catch (Exception failure) when (failure is UnavailableException or OperationCanceledException)
        {
            await ResumeAsync(current, from, to);
            throw new ConflictException("Failover refused.", $"The failover stopped before {to.Name} took every change, so it was not promoted; writes resumed on {from.Name}. ({failure.Message})");
        }
        var next = Promoted(current, from, to, FailoverModes.Planned, 0, started, reason);
        // The new primary first: it carries the higher epoch. Past the drain, a caller gone does not stop it halfway.
        if (!await PromoteAsync(to, next, CancellationToken.None))
        {
            await ResumeAsync(current, from, to);
            throw new ConflictException("Failover refused.",
                $"The new topology could not be written to {to.Name}, so it was not promoted; writes resumed on {from.Name}. GET /api/v1/topology shows the primary.");
        }
        roles.Use(next);
        await store.TryWriteAsync(from, next, cancellationToken);
        var set = roles.SetFor(to.Name);
        // The old primary holds every change (drained) but none of a replica's anchors: a full copy before it is relied on.
        await set.Repair.ForgetCopyAsync(cancellationToken);
        await set.State.SetQuietlyAsync(false, "promoted by a planned failover: the old primary is copied as the new secondary", cancellationToken);
        return next;
    }

    /// <summary>Writes the promotion to the new primary. A write whose answer was lost may have landed, so before the
    /// promotion is given up the region is read.</summary>
    private async Task<bool> PromoteAsync(StorageRegion to, TopologyRecord next, CancellationToken cancellationToken) =>
        await WriteSurelyAsync(to, next, cancellationToken)
        || (await store.TryReadAsync(to, cancellationToken))?.Record is { } there && there.Epoch == next.Epoch && there.Primary == next.Primary;

    /// <summary>Ends a planned failover's pause without a promotion. Not cancellable: a pause left behind would refuse
    /// every write until <see cref="PauseLimit"/>.</summary>
    private async Task ResumeAsync(TopologyRecord current, StorageRegion from, StorageRegion to)
    {
        var resumed = current with { WritesPausedUntil = null, UpdatedAt = time.GetUtcNow() };
        roles.Use(resumed);
        if (!await WriteSurelyAsync(from, resumed, CancellationToken.None))
        {
            logger.LogError("The end of the pause could not be written to {From}: instances that read its topology refuse writes for up to {Limit}.", from.Name, PauseLimit);
        }
        await store.TryWriteAsync(to, resumed, CancellationToken.None);
    }

    /// <summary>A topology write to a region that answers: each attempt is bounded to a second (a dead region must not hold
    /// a request), so a busy store gets <see cref="TopologyWriteAttempts"/> of them before the write counts as failed.</summary>
    private async Task<bool> WriteSurelyAsync(StorageRegion region, TopologyRecord record, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= TopologyWriteAttempts; attempt++)
        {
            if (await store.TryWriteAsync(region, record, cancellationToken)) return true;
            if (attempt < TopologyWriteAttempts) await Task.Delay(TimeSpan.FromMilliseconds(200), time, cancellationToken);
        }
        return false;
    }

    private async Task<(TopologyRecord, long)> ForcedAsync(TopologyRecord current, StorageRegion from, StorageRegion to, TableTopologyStore.Stored target, bool fromAnswers,
        DateTimeOffset started, string reason, CancellationToken cancellationToken)
    {
        var unreplicated = await EstimateUnreplicatedAsync(from, fromAnswers, cancellationToken);
        var next = Promoted(current, from, to, FailoverModes.Forced, unreplicated, started, reason);
        // Conditional on the row as read: of two instances promoting at once, one wins, the other is told so.
        if (!await store.WriteAsync(to, next, target.ETag == default ? null : target.ETag, cancellationToken))
        {
            throw new ConflictException("Failover refused.", "Another instance changed the topology meanwhile; read it again.");
        }
        roles.Use(next);
        var set = roles.SetFor(to.Name);
        if (fromAnswers)
        {
            await store.TryWriteAsync(from, next, cancellationToken);
        }
        else
        {
            // It did not answer a moment ago: it learns the epoch from the next refresh that reaches it, and metadata
            // copies to it wait for the sweep instead of holding this request for the sync grace.
            set.MirrorState.Failed();
        }
        try
        {
            await set.State.SetQuietlyAsync(false, "promoted by a forced failover: the old primary is reconciled, then copied", cancellationToken);
        }
        catch (UnavailableException)
        {
            // The standing is mirrored to the old primary too; the new primary's copy is what this orientation reads.
        }
        return (next, unreplicated);
    }

    /// <summary>The changes the old primary has not shipped, counted from its outboxes when it answers; otherwise what this
    /// instance knows: the last counts read and the changes it committed and did not ship since.</summary>
    private async Task<long> EstimateUnreplicatedAsync(StorageRegion from, bool fromAnswers, CancellationToken cancellationToken)
    {
        var set = roles.SetFor(from.Name);
        if (fromAnswers)
        {
            try
            {
                long total = 0;
                foreach (var partition in (await directory.AllQueuesAsync(cancellationToken)).SelectMany(q => q.Partitions))
                {
                    total += (await set.Lag.MeasureAsync(MessageRows.PartitionKey(partition), Replication.TopologyService.CountUpTo, cancellationToken)).Changes;
                }
                return total;
            }
            catch (UnavailableException)
            {
            }
        }
        return set.Lag.UnshippedEstimate;
    }

    /// <summary>The topology with <paramref name="to"/> primary at the next epoch; a forced promotion leaves the old
    /// primary to be reconciled.</summary>
    private TopologyRecord Promoted(TopologyRecord current, StorageRegion from, StorageRegion to, string mode, long unreplicated, DateTimeOffset started, string reason)
    {
        var completed = time.GetUtcNow();
        return new TopologyRecord(current.Epoch + 1, to.Name, from.Name)
        {
            AutoFailover = current.AutoFailover,
            PromotedAt = completed,
            UpdatedAt = completed,
            ReconcilePending = mode == FailoverModes.Forced,
            LastFailover = new FailoverRecord(from.Name, to.Name, current.Epoch + 1, mode, unreplicated, started, completed) { Reason = reason },
        };
    }
}
