using System.Collections.Concurrent;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Errors;
using Serverless.Messages;
using Serverless.Queues;
using Serverless.Storage;
using Serverless.Storage.Tables;

namespace Serverless.Replication;

/// <summary>Moves every message change to the secondary region. The store writes a change row (the outbox) in the same
/// transaction as each change; then
/// <list type="bullet">
/// <item>a <c>sync</c> queue's request applies its own changes to the secondary before it answers (confirmed only when
/// both regions have them), retrying within the grace period; the rows it shipped are deleted in bulk a moment later;</item>
/// <item>an <c>async</c> queue's request answers at once and wakes <c>ReplicateChanges</c>, which ships the partition's
/// outbox in order;</item>
/// <item>the <c>SweepReplication</c> timer ships what a lost wake-up or a crash left, and, while the secondary is not
/// synchronized, catches it up: metadata compared and copied, a full copy of a region that came back empty, every
/// outbox shipped, then marked synchronized.</item>
/// </list></summary>
public sealed class Replicator(
    TableOutbox outbox,
    TableReplicaStore replica,
    TableMetadataMirror metadataMirror,
    TableReplicaRepair repair,
    ReplicationState state,
    ReplicationLag lag,
    OutboxCleaner cleaner,
    MetadataMirrorState metadataState,
    OrientationFence fence,
    ReplicationWakeUps wakeUps,
    QueueDirectory directory,
    Hosting.RegionPair regions,
    TimeProvider time,
    IOptions<ReplicationOptions> options,
    ILogger<Replicator> logger)
{
    /// <summary>A round reads this many changes and applies them in lanes of <see cref="LaneMessages"/> messages, up to
    /// <see cref="ParallelLanes"/> at once: changes of different messages commute, so only one message's changes must
    /// stay together, and a backlog ships at what the secondary's store takes, not at one transaction's round trip.</summary>
    private const int ShipBatch = 1000, MaxShipRounds = 50, LaneMessages = 100, ParallelLanes = 8;
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(100), LongestRetry = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan MaintainEvery = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, SemaphoreSlim> shipping = new();
    private readonly ConcurrentDictionary<string, bool> shipAgain = new();
    private DateTimeOffset lastMaintenance = DateTimeOffset.MinValue;

    /// <summary>After a store call committed (its rows in <paramref name="capture"/>): a sync queue's changes are applied
    /// to the secondary now, an async queue's shipper is woken.</summary>
    /// <exception cref="UnavailableException">Sync: the secondary did not take the changes, and its grace period is not
    /// over (they stay in the outbox; the change is stored in the primary but not confirmed).</exception>
    public Task CommittedAsync(QueuePartition partition, ChangeCapture capture, CancellationToken cancellationToken = default) =>
        fence.RunAsync(token => ReplicateCommittedAsync(partition, capture, token), cancellationToken);

    private async Task ReplicateCommittedAsync(QueuePartition partition, ChangeCapture capture, CancellationToken cancellationToken)
    {
        var rows = capture.Rows;
        var changes = rows.Where(r => r.RowKey.StartsWith(MessageRows.ChangeFrom, StringComparison.Ordinal)).ToList();
        if (changes.Count == 0) return;
        var partitionKey = changes[0].PartitionKey;
        if (partition.Replication == ReplicationMode.Async)
        {
            lag.Committed(partitionKey, changes.Count);
            wakeUps.Signal(partitionKey);
            return;
        }
        if (!(await state.GetAsync(cancellationToken)).Synchronized)
        {
            lag.Committed(partitionKey, changes.Count);
            return; // the outbox keeps them for the catch-up
        }
        var bodies = rows.Where(r => r.RowKey.StartsWith("m:", StringComparison.Ordinal)).OfType<TableEntity>().ToDictionary(b => b.RowKey[2..]);
        var started = time.GetUtcNow();
        for (var wait = FirstRetry; ; wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, LongestRetry.Ticks)))
        {
            // A hung secondary must not hold the request past the grace period: each attempt gets what is left of it.
            using var graceLeft = new CancellationTokenSource(state.GraceLeft(started), time);
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, graceLeft.Token);
            try
            {
                await replica.ApplyAsync(partitionKey, changes, bodies, attempt.Token);
                state.Reached();
                cleaner.Shipped(partitionKey, changes.Select(c => c.RowKey));
                return;
            }
            catch (Exception failure) when (failure is UnavailableException || failure is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                if (state.Failed(started))
                {
                    lag.Committed(partitionKey, changes.Count);
                    await state.MarkNotSynchronizedAsync($"it did not answer for {options.Value.SyncGraceSeconds} s ({Describe(failure)})", cancellationToken);
                    return;
                }
                if (!(await state.GetAsync(cancellationToken)).Synchronized) return; // another instance gave up waiting
                try
                {
                    await Task.Delay(wait, time, cancellationToken);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    throw new UnavailableException("The secondary region did not confirm the change in time; it is stored in the primary and not confirmed.", TimeSpan.FromSeconds(1), failure);
                }
            }
        }
    }

    private static string Describe(Exception failure) =>
        failure is OperationCanceledException ? "a request was still unanswered when the grace period ended" : failure.Message;

    /// <summary>A shipping round (read a batch, apply it) that has not ended by then gives up: changes read before a queue
    /// was deleted must not reach the secondary after its rows there are collected (<see cref="Queues.QueueService.LateChangeWindow"/>).</summary>
    public static readonly TimeSpan ShipRoundDeadline = TimeSpan.FromSeconds(20);

    /// <summary>Ships a partition's outbox in order until it is empty (or a round limit); one shipper per partition per
    /// instance (another instance shipping too only repeats idempotent work). Returns how many changes it shipped.</summary>
    public Task<int> ShipAsync(string partitionKey, CancellationToken cancellationToken = default) =>
        fence.RunAsync(token => ShipPartitionAsync(partitionKey, token), cancellationToken);

    private async Task<int> ShipPartitionAsync(string partitionKey, CancellationToken cancellationToken)
    {
        var gate = shipping.GetOrAdd(partitionKey, _ => new SemaphoreSlim(1, 1));
        if (!await gate.WaitAsync(0, cancellationToken))
        {
            // The running shipper may have read its last batch before this call's changes committed: it goes round once more.
            shipAgain[partitionKey] = true;
            return 0;
        }
        try
        {
            var shipped = 0;
            for (var round = 0; round < MaxShipRounds; round++)
            {
                shipAgain.TryRemove(partitionKey, out _);
                using var deadline = new CancellationTokenSource(ShipRoundDeadline, time);
                using var roundToken = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
                var batch = await outbox.ReadAsync(partitionKey, ShipBatch, roundToken.Token);
                if (batch.Changes.Count == 0)
                {
                    // Nothing to apply, so nothing learnt of the secondary: read again only if a wake-up came meanwhile.
                    if (shipAgain.ContainsKey(partitionKey)) continue;
                    break;
                }
                var lanes = batch.Changes.GroupBy(c => c.GetString("Seq")).Chunk(LaneMessages).Select(l => l.SelectMany(g => g).ToList()).ToList();
                await Parallel.ForEachAsync(lanes, new ParallelOptions { MaxDegreeOfParallelism = ParallelLanes, CancellationToken = roundToken.Token },
                    async (lane, token) => await replica.ApplyAsync(partitionKey, lane, batch.Bodies, token));
                state.Reached();
                await Parallel.ForEachAsync(batch.Changes.Select(c => c.RowKey).Chunk(100), new ParallelOptions { MaxDegreeOfParallelism = ParallelLanes, CancellationToken = cancellationToken },
                    async (keys, token) => await outbox.DeleteAsync(partitionKey, keys, token));
                shipped += batch.Changes.Count;
                lag.Shipped(partitionKey, batch.Changes.Count);
                if (batch.Changes.Count < ShipBatch && !shipAgain.ContainsKey(partitionKey)) break;
            }
            await lag.MeasureAsync(partitionKey, 1, cancellationToken);
            return shipped;
        }
        catch (OperationCanceledException late) when (!cancellationToken.IsCancellationRequested)
        {
            // The round outlived its deadline: what it applied is harmless, what it did not stays in the outbox.
            throw new UnavailableException($"Shipping {partitionKey} took longer than {ShipRoundDeadline.TotalSeconds:0} s; the rest is left for the next pass.", TimeSpan.FromSeconds(1), late);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>A wake-up's shipping (<c>ReplicateChanges</c>): a secondary that does not answer leaves the changes in the
    /// outbox for the sweep's catch-up, and the wake-up is done — retrying it would only fill the poison queue.</summary>
    public async Task<int> ShipOnWakeUpAsync(string partitionKey, CancellationToken cancellationToken = default)
    {
        try
        {
            return await ShipAsync(partitionKey, cancellationToken);
        }
        catch (UnavailableException unavailable)
        {
            logger.LogInformation("Changes of {Partition} are left for the sweep: {Reason}", partitionKey, unavailable.Message);
            return 0;
        }
    }

    /// <summary>The timer's pass: catch up a secondary that is not synchronized; otherwise ship what requests left (async
    /// partitions with anything in their outbox, sync ones with changes older than the sweep delay) and, on its first pass
    /// and once a minute, compare metadata, make sure the secondary holds a full copy, and collect its old tombstones.</summary>
    public async Task<ReplicationSweep> SweepAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await fence.RunAsync(SweepOrientationAsync, cancellationToken);
        }
        catch (UnavailableException stopped) when (fence.Retired)
        {
            return new ReplicationSweep(0, CaughtUp: false, stopped.Message);
        }
    }

    private async Task<ReplicationSweep> SweepOrientationAsync(CancellationToken cancellationToken)
    {
        if (!(await state.GetAsync(cancellationToken)).Synchronized) return await CatchUpAsync(cancellationToken);
        var now = time.GetUtcNow();
        var maintain = now - lastMaintenance >= MaintainEvery;
        if (maintain) lastMaintenance = now;
        var shipped = 0;
        try
        {
            if (metadataState.TakeDirty() | maintain) await metadataMirror.SyncAllAsync(cancellationToken);
            var partitions = (await directory.AllQueuesAsync(cancellationToken)).SelectMany(q => q.Partitions).ToList();
            // On the first pass and once a minute: a secondary without the full-copy marker (new, or lost its data
            // while it still answered) is copied now, not during a later catch-up with a backlog on top.
            if (maintain) await repair.EnsureCopiedAsync(partitions, cancellationToken);
            foreach (var partition in partitions)
            {
                var partitionKey = MessageRows.PartitionKey(partition);
                var pending = await lag.MeasureAsync(partitionKey, 1, cancellationToken);
                var ship = pending.OldestAt is { } oldest
                    && (partition.Replication == ReplicationMode.Async || now - oldest >= TimeSpan.FromSeconds(options.Value.SweepAfterSeconds));
                if (ship) shipped += await ShipAsync(partitionKey, cancellationToken);
                if (maintain) await replica.MaintainAsync(partitionKey, cancellationToken);
            }
        }
        catch (UnavailableException unavailable)
        {
            metadataState.Dirty();
            if (state.Failed(now)) await state.MarkNotSynchronizedAsync($"it did not answer for {options.Value.SyncGraceSeconds} s ({unavailable.Message})", cancellationToken);
            return new ReplicationSweep(shipped, CaughtUp: false, unavailable.Message);
        }
        return new ReplicationSweep(shipped, CaughtUp: false, null);
    }

    /// <summary>A planned failover's drain: everything the secondary lacks is shipped now (the catch-up's work, whatever
    /// the standing); the secondary then holds every change committed before writes paused.</summary>
    /// <exception cref="UnavailableException">The secondary did not take it all.</exception>
    public Task<int> DrainAsync(CancellationToken cancellationToken = default) => fence.RunAsync(DrainOutboxesAsync, cancellationToken);

    private async Task<int> DrainOutboxesAsync(CancellationToken cancellationToken)
    {
        await cleaner.FlushAsync(cancellationToken);
        var sweep = await CatchUpAsync(cancellationToken);
        if (!sweep.CaughtUp) throw new UnavailableException($"The secondary region did not take every change: {sweep.Problem}", TimeSpan.FromSeconds(5));
        return sweep.Shipped;
    }

    /// <summary>Brings a secondary that was away up to date: metadata first (queues must exist there before their
    /// messages), a full copy when it came back empty, then every outbox; marked synchronized only when all of that
    /// went through.</summary>
    private async Task<ReplicationSweep> CatchUpAsync(CancellationToken cancellationToken)
    {
        var shipped = 0;
        try
        {
            // A region that came back empty has no tables: they are made first (creating existing ones is harmless).
            await regions.Secondary.EnsureCreatedAsync(cancellationToken);
            await metadataMirror.SyncAllAsync(cancellationToken);
            var partitions = (await directory.AllQueuesAsync(cancellationToken)).SelectMany(q => q.Partitions).ToList();
            await repair.EnsureCopiedAsync(partitions, cancellationToken);
            foreach (var partition in partitions)
            {
                var partitionKey = MessageRows.PartitionKey(partition);
                int round;
                do
                {
                    round = await ShipAsync(partitionKey, cancellationToken);
                    shipped += round;
                }
                while (round > 0);
            }
            state.Reached();
            await state.MarkSynchronizedAsync(cancellationToken);
            logger.LogInformation("Caught up the secondary region: {Shipped} changes shipped.", shipped);
            return new ReplicationSweep(shipped, CaughtUp: true, null);
        }
        catch (UnavailableException unavailable)
        {
            return new ReplicationSweep(shipped, CaughtUp: false, unavailable.Message);
        }
    }
}

/// <summary>What a sweep did: changes shipped, whether it caught the secondary up, and why it stopped short.</summary>
public sealed record ReplicationSweep(int Shipped, bool CaughtUp, string? Problem);
