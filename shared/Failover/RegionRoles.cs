using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Serverless.Hosting;
using Serverless.Replication;
using Serverless.Storage;
using Serverless.Storage.Tables;

namespace Serverless.Failover;

/// <summary>Which region is primary, as this instance last read it: the topology row of both regions, the higher epoch
/// trusted, cached at most <see cref="CacheFor"/>. It orients <see cref="EngineRegions"/> and picks the
/// <see cref="ReplicationSet"/> the engine writes through.</summary>
public sealed class RegionRoles(EngineRegions regions, TableTopologyStore store, IServiceProvider services, Microsoft.Extensions.Options.IOptions<FailoverOptions> options, TimeProvider time, ILogger<RegionRoles> logger)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(2);

    /// <summary>How long after a promotion an instance may still act on the old epoch: its cache, plus one bounded read
    /// of each region, plus a margin. Reconciling the old primary waits this long.</summary>
    public static readonly TimeSpan StaleBound = CacheFor + TableTopologyStore.RequestTimeout * 2 + TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, ReplicationSet> sets = new();
    private readonly SemaphoreSlim refreshing = new(1, 1);
    private TopologyRecord? record;
    private DateTimeOffset readAt = DateTimeOffset.MinValue;

    /// <summary>The topology last read (the configured orientation before the first read).</summary>
    public TopologyRecord Record => record ?? Initial;

    private TopologyRecord Initial => TopologyRecord.Initial(regions.ConfiguredPrimary.Name, regions.ConfiguredSecondary.Name) with { AutoFailover = options.Value.Settings };

    /// <summary>The stores and replication of the current orientation.</summary>
    public ReplicationSet Current => SetFor(Record.Primary);

    public ReplicationSet SetFor(string primaryName) => sets.GetOrAdd(primaryName, name =>
    {
        var primary = regions.Named(name);
        var set = new ReplicationSet(new RegionPair(primary, regions.Other(primary)), services);
        set.Fence.Follow(Record.Primary);
        return set;
    });

    /// <summary>Every orientation built so far (their outbox cleaners run whichever is current).</summary>
    public IReadOnlyCollection<ReplicationSet> Built => sets.Values.ToList();

    /// <summary>The stores to read from now.</summary>
    public async ValueTask<ReplicationSet> ForReadAsync(CancellationToken cancellationToken = default)
    {
        var current = await GetAsync(cancellationToken);
        return SetFor(current.Primary);
    }

    /// <summary>The stores to write to now; refused while a planned failover drains (every instance sees the pause within
    /// <see cref="CacheFor"/>, and the drain starts only after that).</summary>
    /// <exception cref="Errors.UnavailableException">Writes are paused.</exception>
    public async ValueTask<ReplicationSet> ForWriteAsync(CancellationToken cancellationToken = default)
    {
        var current = await GetAsync(cancellationToken);
        if (current.WritesPausedUntil is { } until && until > time.GetUtcNow())
        {
            var wait = until - time.GetUtcNow();
            throw new Errors.UnavailableException($"A planned failover from {current.Primary} is in progress; writes resume when it completes.",
                wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(Math.Min(5, Math.Ceiling(wait.TotalSeconds))));
        }
        return SetFor(current.Primary);
    }

    /// <summary>Runs a write against the current primary. A write that meets a region that does not answer reads the
    /// topology again: if another region has become primary meanwhile it is retried there once (a retried append
    /// keeps its sequence, so if the first attempt did commit in the old primary, reconciliation finds the same rows),
    /// else the 503 stands.</summary>
    public async Task<T> WriteAsync<T>(Func<ReplicationSet, Task<T>> write, CancellationToken cancellationToken = default)
    {
        var set = await ForWriteAsync(cancellationToken);
        try
        {
            return await write(set);
        }
        catch (Errors.UnavailableException) when (!cancellationToken.IsCancellationRequested)
        {
            var now = await RefreshAsync(cancellationToken);
            var moved = SetFor(now.Primary);
            if (ReferenceEquals(moved, set)) throw;
            logger.LogInformation("A write met {Old}, no longer primary; retried in {New}.", set.Regions.Primary.Name, now.Primary);
            return await write(await ForWriteAsync(cancellationToken));
        }
    }

    /// <summary>The current topology, read again when the cached one is older than <see cref="CacheFor"/>.</summary>
    public async ValueTask<TopologyRecord> GetAsync(CancellationToken cancellationToken = default)
    {
        if (record is { } known && time.GetUtcNow() - readAt < CacheFor) return known;
        return await RefreshAsync(cancellationToken);
    }

    /// <summary>Reads both regions now (one read at a time per instance; callers arriving meanwhile share it).</summary>
    public async Task<TopologyRecord> RefreshAsync(CancellationToken cancellationToken = default)
    {
        var asked = time.GetUtcNow();
        await refreshing.WaitAsync(cancellationToken);
        try
        {
            if (record is { } fresh && readAt >= asked) return fresh; // read by the caller before us
            var reads = await Task.WhenAll(regions.All.Select(async r => (Region: r, Read: Answer(await store.TryReadAsync(r, cancellationToken)))));
            // The higher epoch wins; at an equal epoch, the copy written last.
            var best = reads.Where(r => r.Read.Record is not null)
                .OrderByDescending(r => r.Read.Record!.Epoch).ThenByDescending(r => r.Read.Record!.UpdatedAt)
                .Select(r => r.Read.Record).FirstOrDefault();
            if (best is not null)
            {
                // A region that answered with an older or different copy (it was away during a failover) is told.
                foreach (var (region, read) in reads.Where(r => r.Read.Answered && r.Read.Record != best))
                {
                    await store.TryWriteAsync(region, best, cancellationToken);
                }
            }
            if (best is null && reads.All(r => r.Read.Answered))
            {
                best = await InitializeAsync(cancellationToken); // first start: nobody has one
            }
            // A region that does not answer keeps what was known (or, before anything was, the configured roles).
            Use(best ?? Record);
            return Record;
        }
        finally
        {
            refreshing.Release();
        }
    }

    /// <summary>Adopts a record this instance wrote (a failover) or read.</summary>
    public void Use(TopologyRecord next)
    {
        var previous = record;
        if (previous is not null && next.Epoch < previous.Epoch) return; // never go back to an older epoch
        record = next;
        readAt = time.GetUtcNow();
        regions.Orient(next.Primary);
        foreach (var set in sets.Values) set.Fence.Follow(next.Primary);
        if (previous is not null && previous.Primary != next.Primary)
        {
            logger.LogWarning("Epoch {Epoch}: {Primary} is primary now (was {Previous}).", next.Epoch, next.Primary, previous.Primary);
            SetFor(next.Primary).State.Invalidate();
        }
    }

    private static (bool Answered, TopologyRecord? Record) Answer(TableTopologyStore.Stored? read) => (read is not null, read?.Record);

    /// <summary>No region has a topology yet (first start): the configured primary is, at epoch 1, written where it
    /// can be (a region that did not answer gets it from the next failover or start).</summary>
    private async Task<TopologyRecord> InitializeAsync(CancellationToken cancellationToken)
    {
        var initial = Initial;
        foreach (var region in regions.All)
        {
            try
            {
                await store.EnsureTableAsync(region, cancellationToken);
                await store.WriteAsync(region, initial, etag: default(Azure.ETag), cancellationToken);
            }
            catch (Errors.UnavailableException)
            {
            }
        }
        return initial;
    }
}
