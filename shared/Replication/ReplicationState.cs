using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Storage;

namespace Serverless.Replication;

/// <summary>Whether the secondary is synchronized, as every instance must agree: stored as a metadata record (mirrored to
/// both regions) and read through a short cache. Sync queues wait for the secondary while it is synchronized; once it
/// has failed for longer than <see cref="ReplicationOptions.SyncGrace"/>, the first instance to see that marks it not
/// synchronized and sync queues go on with the primary alone; the catch-up marks it synchronized again.</summary>
public sealed class ReplicationState(IMetadataStore metadata, Hosting.RegionPair regions, Events.IEventPublisher events, TimeProvider time, IOptions<ReplicationOptions> options, ILogger<ReplicationState> logger)
{
    public const string Kind = "replication", Scope = "*";

    /// <summary>The standing is the secondary region's, kept per region name: after a failover the other region is the
    /// secondary and has a standing of its own.</summary>
    private string Key => KeyFor(regions.Secondary.Name);

    public static string KeyFor(string secondary) => "secondary:" + secondary;
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan MinimumAttempt = TimeSpan.FromMilliseconds(250);

    private readonly Lock gate = new();
    private (SecondaryStanding Status, DateTimeOffset Until)? cached;
    private DateTimeOffset? failingSince;

    /// <summary>The standing as last read or written by this instance, however old (null: never read).</summary>
    public SecondaryStanding? LastKnown
    {
        get
        {
            lock (gate) return cached?.Status;
        }
    }

    public async Task<SecondaryStanding> GetAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        lock (gate)
        {
            if (cached is { } c && c.Until > now) return c.Status;
        }
        var status = await metadata.GetRecordAsync<SecondaryStanding>(Kind, Scope, Key, cancellationToken) ?? SecondaryStanding.Initial;
        lock (gate) cached = (status, now + CacheFor);
        return status;
    }

    /// <summary>The secondary answered: it is not failing.</summary>
    public void Reached()
    {
        lock (gate) failingSince = null;
    }

    /// <summary>An attempt begun at <paramref name="attemptStarted"/> failed; true once the secondary has not answered
    /// for longer than the grace period (counted from the first failing attempt's start, so a hung request's own
    /// timeout is inside the grace, not added to it).</summary>
    public bool Failed(DateTimeOffset attemptStarted)
    {
        var now = time.GetUtcNow();
        lock (gate)
        {
            failingSince ??= attemptStarted;
            return now - failingSince.Value >= options.Value.SyncGrace;
        }
    }

    /// <summary>How long an attempt begun at <paramref name="attemptStarted"/> may still wait for the secondary: the
    /// rest of the grace period (at least a moment, so that a secondary that answers at once is never cut off).</summary>
    public TimeSpan GraceLeft(DateTimeOffset attemptStarted)
    {
        var now = time.GetUtcNow();
        DateTimeOffset since;
        lock (gate) since = failingSince ?? attemptStarted;
        var left = options.Value.SyncGrace - (now - since);
        return left < MinimumAttempt ? MinimumAttempt : left;
    }

    public Task MarkNotSynchronizedAsync(string reason, CancellationToken cancellationToken = default) => SetAsync(false, reason, cancellationToken);

    /// <summary>Forgets the cached standing (a failover wrote a new one).</summary>
    public void Invalidate()
    {
        lock (gate)
        {
            cached = null;
            failingSince = null;
        }
    }

    /// <summary>Writes the standing as a failover decided it, raising no event (the failover raises its own).</summary>
    public async Task SetQuietlyAsync(bool synchronized, string? reason, CancellationToken cancellationToken = default)
    {
        var status = new SecondaryStanding(synchronized, time.GetUtcNow(), reason);
        await metadata.PutRecordAsync(Kind, Scope, Key, status, cancellationToken);
        lock (gate) cached = (status, time.GetUtcNow() + CacheFor);
    }

    public Task MarkSynchronizedAsync(CancellationToken cancellationToken = default) => SetAsync(true, null, cancellationToken);

    private async Task SetAsync(bool synchronized, string? reason, CancellationToken cancellationToken)
    {
        var current = await GetAsync(cancellationToken);
        if (current.Synchronized == synchronized) return;
        var status = new SecondaryStanding(synchronized, time.GetUtcNow(), reason);
        await metadata.PutRecordAsync(Kind, Scope, Key, status, cancellationToken);
        lock (gate) cached = (status, time.GetUtcNow() + CacheFor);
        // Raised by the instance whose write changed the standing: once per transition (two instances racing may both
        // write the same standing; each then raises it, which a consumer of at-least-once events tolerates anyway).
        var region = regions.Secondary.Name;
        if (synchronized)
        {
            logger.LogInformation("The secondary region {Region} is synchronized again.", region);
            await events.PublishAsync(ReplicationEvents.Synchronized(region, status.ChangedAt), cancellationToken);
        }
        else
        {
            logger.LogWarning("The secondary region {Region} is not synchronized: {Reason}. Sync queues go on with the primary alone.", region, reason);
            await events.PublishAsync(ReplicationEvents.Degraded(region, reason ?? "unreachable", status.ChangedAt), cancellationToken);
        }
    }
}
