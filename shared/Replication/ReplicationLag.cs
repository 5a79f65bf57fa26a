using System.Collections.Concurrent;
using Serverless.Storage.Tables;

namespace Serverless.Replication;

/// <summary>How far each partition's shipping is behind, measured from its outbox (the change rows not yet shipped):
/// kept from the last measurement (by the sweep, a shipper, or an async publish that found its value older than
/// <see cref="FreshFor"/>), so throttling costs at most one outbox query per partition per second and instance.</summary>
public sealed class ReplicationLag(TableOutbox outbox, OutboxCleaner cleaner, TimeProvider time)
{
    public static readonly TimeSpan FreshFor = TimeSpan.FromSeconds(1);
    private readonly ConcurrentDictionary<string, (OutboxLag Lag, DateTimeOffset MeasuredAt)> measured = new();
    private readonly ConcurrentDictionary<string, long> pending = new();

    /// <summary>This instance committed changes that are not shipped yet (async, or sync while the secondary is away).</summary>
    public void Committed(string partitionKey, int changes) => pending.AddOrUpdate(partitionKey, changes, (_, count) => count + changes);

    /// <summary>This instance shipped changes.</summary>
    public void Shipped(string partitionKey, int changes) => pending.AddOrUpdate(partitionKey, 0, (_, count) => Math.Max(0, count - changes));

    /// <summary>The changes not shipped as this instance knows them without asking the primary (a forced failover's
    /// estimate when the primary does not answer): per partition the larger of the last count read from its outbox and
    /// the changes committed here since minus those shipped here; changes other instances committed since are not in it.</summary>
    public long UnshippedEstimate => measured.Keys.Union(pending.Keys)
        .Sum(key => Math.Max(pending.GetValueOrDefault(key), measured.TryGetValue(key, out var last) ? last.Lag.Changes : 0));

    /// <summary>The partition's lag as last measured, measuring again when that is older than <see cref="FreshFor"/>.</summary>
    public async Task<OutboxLag> GetAsync(string partitionKey, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        if (measured.TryGetValue(partitionKey, out var last) && now - last.MeasuredAt < FreshFor) return last.Lag;
        return await MeasureAsync(partitionKey, 1, cancellationToken);
    }

    /// <summary>Measures now, counting up to <paramref name="countUpTo"/> unshipped changes. Change rows this instance shipped
    /// and has not deleted yet (a second at most) are not counted; those of other instances are, so across instances the
    /// lag can read up to a second's changes high, never low.</summary>
    public async Task<OutboxLag> MeasureAsync(string partitionKey, int countUpTo, CancellationToken cancellationToken = default)
    {
        var keys = await outbox.ListKeysAsync(partitionKey, countUpTo, cancellationToken);
        var unshipped = cleaner.Unshipped(partitionKey, keys);
        var lag = new OutboxLag(unshipped.Count, unshipped.Count == 0 ? null : TableOutbox.TimeOf(unshipped[0]));
        measured[partitionKey] = (lag, time.GetUtcNow());
        if (unshipped.Count < countUpTo) pending[partitionKey] = unshipped.Count; // counted in full: exact as of now
        return lag;
    }

    /// <summary>Seconds since the oldest unshipped change of the partition (0 when none).</summary>
    public double SecondsBehind(OutboxLag lag) => lag.OldestAt is { } oldest ? Math.Max(0, (time.GetUtcNow() - oldest).TotalSeconds) : 0;

    /// <summary>Every partition's last measurement (for the topology).</summary>
    public IReadOnlyCollection<(OutboxLag Lag, DateTimeOffset MeasuredAt)> All => measured.Values.ToList();
}
