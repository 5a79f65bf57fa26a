using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Serverless.Errors;
using Serverless.Messages;
using Serverless.Routing;
using Serverless.Storage;
using Serverless.Validation;

namespace Serverless.Queues;

/// <summary>Declares, inspects, deletes and purges queues. A queue's rows live in partitions named by its incarnation,
/// new at each declare that creates it; a delete fences the partitions (their head rows go, so no publish can commit
/// into them), checks its conditions, and either puts the fences back (refused) or removes the queue and leaves the
/// incarnation to be collected. Each step is recorded on the queue first, so an interrupted delete is finished or
/// rolled back later, never left half done.</summary>
public sealed class QueueService(IMetadataStore metadata, IMessageStore messages, QueueDirectory directory, VhostCatalogs catalogs, MessageMover mover, Failover.RegionRoles roles, TimeProvider time, ILogger<QueueService> logger, Events.IEventPublisher events)
{
    /// <summary>A delete still marked after this long was interrupted (requests end long before): the collector resolves it.</summary>
    public static readonly TimeSpan InterruptedDeleteAge = TimeSpan.FromMinutes(1);

    /// <summary>How long a deleted incarnation stays in the graveyard after its rows are gone: a replication shipper that
    /// read the incarnation's changes before the delete may still apply them to the secondary (a shipping round gives up
    /// after <see cref="Replication.Replicator.ShipRoundDeadline"/>, well inside this), so the collector deletes the
    /// secondary's rows once more when this has passed.</summary>
    public static readonly TimeSpan LateChangeWindow = TimeSpan.FromMinutes(1);

    private const string GraveyardKind = "graveyard", GraveyardScope = "*";
    private const int RowsCollectedOnDelete = 1000;

    /// <summary>Declares a queue: created, or already there with equivalent arguments;
    /// a different declaration is RabbitMQ's PRECONDITION_FAILED (409) naming every differing argument.</summary>
    public async Task<(QueueInfo Queue, bool Created)> DeclareAsync(string vhost, string queue, QueueArguments arguments, CancellationToken cancellationToken = default)
    {
        QueueNameRules.EnsureDeclarable(queue);
        await directory.EnsureVhostAsync(vhost, cancellationToken);
        var (record, created) = await metadata.CreateQueueAsync(new QueueRecord(vhost, queue, arguments, time.GetUtcNow()) { Incarnation = NewIncarnation() }, cancellationToken);
        if (created) await events.PublishAsync(QueueEvents.Created(record), cancellationToken);
        if (!created && record.Deleting is not null)
        {
            // A delete of this name is under way or was interrupted: settle it, then declare again.
            await ResolveDeleteAsync(record, cancellationToken);
            return await DeclareAsync(vhost, queue, arguments, cancellationToken);
        }
        if (!created)
        {
            var differences = arguments.DifferencesFrom(record.Arguments);
            if (differences.Count > 0)
            {
                throw new ConflictException("Queue exists with different arguments.",
                    $"Queue '{queue}' exists with different arguments: {string.Join(", ", differences)}.")
                {
                    Errors = differences.ToDictionary(d => "arguments." + d, d => new[] { "differs from the existing queue's value" }),
                };
            }
        }
        directory.Forget(vhost, queue);
        var definition = QueueDefinition.From(record, await catalogs.GetAsync(vhost, cancellationToken));
        // Also on a re-declare: heads a crash kept a declare from writing are written now (creating one is idempotent).
        await Task.WhenAll(definition.Partitions.Select(p => messages.CreatePartitionAsync(p, cancellationToken)));
        if (!created) await metadata.TouchQueueAsync(vhost, queue, time.GetUtcNow(), cancellationToken);
        return (await DescribeAsync(definition, cancellationToken), created);
    }

    public async Task<QueueInfo> GetAsync(string vhost, string queue, CancellationToken cancellationToken = default)
    {
        directory.Forget(vhost, queue);
        return await DescribeAsync(await directory.GetQueueAsync(vhost, queue, cancellationToken), cancellationToken);
    }

    public async Task<IReadOnlyList<QueueInfo>> ListAsync(string vhost, CancellationToken cancellationToken = default)
    {
        await directory.EnsureVhostAsync(vhost, cancellationToken);
        var records = await metadata.ListQueuesAsync(vhost, cancellationToken);
        var catalog = await catalogs.GetAsync(vhost, cancellationToken);
        return await Task.WhenAll(records.Select(r => DescribeAsync(QueueDefinition.From(r, catalog), cancellationToken)));
    }

    /// <summary>Deletes a queue and its messages. <paramref name="ifEmpty"/>: only with no message at all;
    /// <paramref name="ifUnused"/>: only with no message in flight (leased by a consumer). A publish racing the delete
    /// either commits before the fence (and is counted by the check) or is refused by it: never confirmed and lost.</summary>
    public async Task DeleteAsync(string vhost, string queue, bool ifEmpty, bool ifUnused, CancellationToken cancellationToken = default)
    {
        directory.Forget(vhost, queue);
        while (true)
        {
            var record = await metadata.GetQueueAsync(vhost, queue, cancellationToken) ?? throw new NotFoundException("queue", queue);
            if (record.Deleting is not null)
            {
                await ResolveDeleteAsync(record, cancellationToken);
                continue;
            }
            var marked = await metadata.SetQueueDeletingAsync(record, new QueueDeleteState(time.GetUtcNow(), ifEmpty, ifUnused, Heads: null), cancellationToken);
            if (marked is null) continue; // changed meanwhile: look again
            if (!await RunDeleteAsync(marked, cancellationToken))
            {
                var reason = ifEmpty && !ifUnused ? "is not empty" : "is not empty or has messages in flight";
                throw new ConflictException(ifEmpty ? "Queue is not empty." : "Queue is in use.",
                    ifEmpty ? $"Queue '{queue}' {reason}." : $"Queue '{queue}' has messages in flight.");
            }
            return;
        }
    }

    /// <summary>Deletes ready and delayed messages; messages in flight stay with their consumers (RabbitMQ's purge).</summary>
    public async Task<PurgeResult> PurgeAsync(string vhost, string queue, CancellationToken cancellationToken = default)
    {
        var definition = await directory.GetQueueAsync(vhost, queue, cancellationToken);
        var purged = await Task.WhenAll(definition.Partitions.Select(p => messages.PurgeAsync(p, time.GetUtcNow(), cancellationToken)));
        return new PurgeResult(purged.Sum());
    }

    /// <summary>The collector's pass: resolves deletes that were interrupted, then deletes rows of dead incarnations
    /// (up to <paramref name="maxRows"/> each pass, so a large queue is collected over several passes).</summary>
    public async Task<CollectResult> CollectAsync(int maxRows, CancellationToken cancellationToken = default)
    {
        var resolved = 0;
        foreach (var vhost in await metadata.ListVhostsAsync(cancellationToken))
        {
            foreach (var record in await metadata.ListQueuesAsync(vhost.Name, cancellationToken))
            {
                if (record.Deleting is { } deleting && time.GetUtcNow() - deleting.Since > InterruptedDeleteAge)
                {
                    await RunDeleteAsync(record, cancellationToken);
                    resolved++;
                }
            }
        }
        var collected = 0;
        foreach (var dead in await metadata.ListRecordsAsync<DeadIncarnation>(GraveyardKind, GraveyardScope, cancellationToken))
        {
            if (await messages.DeleteIncarnationAsync(dead.Vhost, dead.Queue, dead.Incarnation, maxRows, cancellationToken)
                && time.GetUtcNow() - dead.DeletedAt > LateChangeWindow)
            {
                await metadata.DeleteRecordAsync(GraveyardKind, GraveyardScope, GraveyardKey(dead), cancellationToken);
                collected++;
            }
        }
        return new CollectResult(resolved, collected);
    }

    /// <summary>A delete found under way: wait a moment for it to end; one running longer than
    /// <see cref="TakeOverAfter"/> was interrupted and is run to its end here, with its own conditions.</summary>
    private async Task ResolveDeleteAsync(QueueRecord record, CancellationToken cancellationToken)
    {
        for (var waited = TimeSpan.Zero; waited < TimeSpan.FromSeconds(3); waited += DeletePoll)
        {
            await Task.Delay(DeletePoll, time, cancellationToken);
            var latest = await metadata.GetQueueAsync(record.Vhost, record.Name, cancellationToken);
            if (latest?.Deleting is null || latest.Incarnation != record.Incarnation) return;
            record = latest;
        }
        if (time.GetUtcNow() - record.Deleting!.Since <= TakeOverAfter)
            throw new UnavailableException($"Queue '{record.Name}' is being deleted; retry.", TimeSpan.FromSeconds(1));
        await RunDeleteAsync(record, cancellationToken);
    }

    private static readonly TimeSpan DeletePoll = TimeSpan.FromMilliseconds(200);

    /// <summary>Longer than any request runs: a delete marked this long ago is not running any more.</summary>
    private static readonly TimeSpan TakeOverAfter = TimeSpan.FromSeconds(15);

    /// <summary>The delete's steps, each safe to repeat: fence every shard (saving its head), finish moves leaving the
    /// queue, check the conditions, then put the fences back (false) or bury the incarnation and remove the queue (true).</summary>
    private async Task<bool> RunDeleteAsync(QueueRecord record, CancellationToken cancellationToken)
    {
        var state = record.Deleting!;
        var definition = QueueDefinition.From(record, await catalogs.GetAsync(record.Vhost, cancellationToken));
        if (state.Heads is null)
        {
            var saved = await Task.WhenAll(definition.Partitions.Select(p => messages.FencePartitionAsync(p, cancellationToken)));
            record = await metadata.SetQueueDeletingAsync(record, state with { Heads = saved }, cancellationToken)
                ?? throw new UnavailableException($"Queue '{record.Name}' changed while it was being deleted; retry.", TimeSpan.FromSeconds(1));
            state = record.Deleting!;
        }
        foreach (var partition in definition.Partitions) await mover.CompleteAsync(definition, partition, cancellationToken);
        var now = time.GetUtcNow();
        var refused =
            (state.IfEmpty && !(await Task.WhenAll(definition.Partitions.Select(p => messages.IsEmptyAsync(p, cancellationToken)))).All(empty => empty))
            || (state.IfUnused && (await Task.WhenAll(definition.Partitions.Select(p => messages.HasInFlightAsync(p, now, cancellationToken)))).Any(used => used));
        if (refused)
        {
            // Fences back first, then the mark: a queue that is not marked always has its heads.
            var heads = state.Heads!;
            await Task.WhenAll(definition.Partitions.Select(p => messages.UnfencePartitionAsync(p, p.Shard < heads.Count ? heads[p.Shard] : null, cancellationToken)));
            await metadata.SetQueueDeletingAsync(record, null, cancellationToken);
            directory.Forget(record.Vhost, record.Name);
            return false;
        }
        var dead = new DeadIncarnation(record.Vhost, record.Name, record.Incarnation, now);
        await metadata.PutRecordAsync(GraveyardKind, GraveyardScope, GraveyardKey(dead), dead, cancellationToken);
        await metadata.DeleteQueueAsync(record, cancellationToken);
        await events.PublishAsync(QueueEvents.Deleted(record, now), cancellationToken);
        // A deleted queue takes its bindings with it (RabbitMQ).
        foreach (var binding in (await catalogs.GetAsync(record.Vhost, cancellationToken)).Bindings.Where(b => b.DestinationType == DestinationType.Queue && b.Destination == record.Name))
        {
            await metadata.DeleteRecordAsync(VhostCatalog.BindingKind, record.Vhost, binding.Id, cancellationToken);
        }
        directory.Forget(record.Vhost, record.Name);
        catalogs.Forget(record.Vhost);
        try
        {
            // A small queue is gone at once; the collector takes what remains of a large one, and after the late-change
            // window looks at the secondary once more before the graveyard forgets the incarnation.
            await messages.DeleteIncarnationAsync(dead.Vhost, dead.Queue, dead.Incarnation, RowsCollectedOnDelete, cancellationToken);
        }
        catch (UnavailableException unavailable)
        {
            logger.LogWarning(unavailable, "Rows of deleted queue {Vhost}/{Queue} are left to the collector.", dead.Vhost, dead.Queue);
        }
        return true;
    }

    private static string GraveyardKey(DeadIncarnation dead) => $"{dead.Vhost}|{dead.Queue}|{dead.Incarnation}";

    private static string NewIncarnation() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5));

    private async Task<QueueInfo> DescribeAsync(QueueDefinition definition, CancellationToken cancellationToken)
    {
        var counts = await CountAsync(definition, cancellationToken);
        return Describe(definition, counts, await ReplicationOfAsync(definition, cancellationToken));
    }

    private async Task<PartitionCounts> CountAsync(QueueDefinition definition, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var counts = await Task.WhenAll(definition.Partitions.Select(p => messages.CountAsync(p, now, cancellationToken)));
        return counts.Aggregate(PartitionCounts.Zero, (sum, c) => sum.Add(c));
    }

    /// <summary>Measured now: the changes of the queue's shards still in their outboxes (counted up to a bound per shard),
    /// the age of the oldest, and synchronized when the secondary's standing is synchronized and nothing is waiting.</summary>
    private async Task<ReplicationStatus> ReplicationOfAsync(QueueDefinition definition, CancellationToken cancellationToken)
    {
        var set = await roles.ForReadAsync(cancellationToken);
        var lag = set.Lag;
        var pending = await Task.WhenAll(definition.Partitions.Select(p => lag.MeasureAsync(Storage.Tables.MessageRows.PartitionKey(p), Replication.TopologyService.CountUpTo, cancellationToken)));
        var behind = pending.Sum(p => (long)p.Changes);
        var seconds = pending.Max(lag.SecondsBehind);
        var synchronized = (await set.State.GetAsync(cancellationToken)).Synchronized && !set.MirrorState.IsDirty && behind == 0;
        return new ReplicationStatus(definition.Effective.Replication ?? ReplicationMode.Sync, synchronized, behind, Math.Round(seconds, 3));
    }

    private static QueueInfo Describe(QueueDefinition definition, PartitionCounts counts, ReplicationStatus replication) => new(
        definition.Name,
        definition.Vhost,
        definition.Record.Arguments,
        definition.Effective,
        definition.Policy,
        definition.Record.CreatedAt,
        new MessageCounts(counts.Ready, counts.InFlight, counts.Delayed, counts.Ready + counts.InFlight + counts.Delayed),
        counts.Bytes,
        replication);
}

public sealed record CollectResult(int DeletesResolved, int IncarnationsCollected);
