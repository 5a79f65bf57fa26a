using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Storage;

namespace Serverless.Replication;

/// <summary>Whether the secondary is synchronized, as every instance must agree: stored as a metadata record (mirrored to
/// both regions) and read through a short cache. Sync queues wait for the secondary while it is synchronized; once it
/// has failed for longer than <see cref="ReplicationOptions.SyncGrace"/>, the first instance to see that marks it not
/// synchronized and sync queues go on with the primary alone; the catch-up marks it synchronized again.</summary>
public sealed class ReplicationState(IMetadataStore metadata, TimeProvider time, IOptions<ReplicationOptions> options, ILogger<ReplicationState> logger)
{
    internal const string Kind = "replication", Scope = "*", Key = "secondary";
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(2);

    private readonly Lock gate = new();
    private (SecondaryStanding Status, DateTimeOffset Until)? cached;
    private DateTimeOffset? failingSince;

    /// <summary>Raised once when this instance marks the secondary not synchronized, and when it marks it synchronized again.</summary>
    public event Func<SecondaryStanding, Task>? Changed;

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

    /// <summary>The secondary did not answer; true once it has not answered for longer than the grace period.</summary>
    public bool Failed()
    {
        var now = time.GetUtcNow();
        lock (gate)
        {
            failingSince ??= now;
            return now - failingSince.Value >= options.Value.SyncGrace;
        }
    }

    public Task MarkNotSynchronizedAsync(string reason, CancellationToken cancellationToken = default) => SetAsync(false, reason, cancellationToken);

    public Task MarkSynchronizedAsync(CancellationToken cancellationToken = default) => SetAsync(true, null, cancellationToken);

    private async Task SetAsync(bool synchronized, string? reason, CancellationToken cancellationToken)
    {
        var current = await GetAsync(cancellationToken);
        if (current.Synchronized == synchronized) return;
        var status = new SecondaryStanding(synchronized, time.GetUtcNow(), reason);
        await metadata.PutRecordAsync(Kind, Scope, Key, status, cancellationToken);
        lock (gate) cached = (status, time.GetUtcNow() + CacheFor);
        if (synchronized) logger.LogInformation("The secondary region is synchronized again.");
        else logger.LogWarning("The secondary region is not synchronized: {Reason}. Sync queues go on with the primary alone.", reason);
        if (Changed is { } changed) await changed(status);
    }
}
