using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Serverless.Errors;
using Serverless.Hosting;
using Serverless.Queues;
using Serverless.Storage;
using Serverless.Storage.Tables;

namespace Serverless.Failover;

/// <summary>After a forced failover, recovers what the old primary had not shipped: once it answers and no instance can
/// still act on the old epoch (<see cref="RegionRoles.StaleBound"/>), every message in its outboxes that the new primary
/// never received (no anchor of it there, and no message with the same <c>messageId</c> in its dedup window) is
/// re-published into the new primary with its content, priority and history; a message the new primary had (and may
/// have acked since) is left alone. Its outboxes are then cleared and it is re-synchronized as the secondary by a full
/// copy. Acks that only the old primary saw are not replayed: at most a redelivery, never a loss.</summary>
public sealed class Reconciler(RegionRoles roles, EngineRegions regions, TableTopologyStore store, QueueDirectory directory, TimeProvider time, ILogger<Reconciler> logger)
{
    private const int Batch = 1000;

    public async Task<ReconcileOutcome> RunIfDueAsync(CancellationToken cancellationToken = default)
    {
        var record = await roles.GetAsync(cancellationToken);
        if (!record.ReconcilePending) return ReconcileOutcome.NotNeeded;
        if (record.PromotedAt is { } promoted && time.GetUtcNow() - promoted < RegionRoles.StaleBound) return new ReconcileOutcome(false, 0, "waiting until no instance can act on the old epoch");
        var oldPrimary = regions.Named(record.Secondary);
        var newPrimary = regions.Named(record.Primary);
        try
        {
            var republished = await RepublishAsync(oldPrimary, newPrimary, cancellationToken);
            var set = roles.SetFor(newPrimary.Name);
            await set.Repair.ForgetCopyAsync(cancellationToken); // copied afresh: it may hold what the new primary deleted since
            var done = record with
            {
                ReconcilePending = false,
                UpdatedAt = time.GetUtcNow(),
                LastFailover = record.LastFailover is { } last ? last with { RecoveredMessages = republished } : null,
            };
            await store.WriteAsync(newPrimary, done, etag: null, cancellationToken);
            await store.WriteAsync(oldPrimary, done, etag: null, cancellationToken);
            roles.Use(done);
            logger.LogWarning("Reconciled {Old} after the forced failover: {Republished} messages it had not shipped are re-published into {New}.", oldPrimary.Name, republished, newPrimary.Name);
            return new ReconcileOutcome(true, republished, null);
        }
        catch (UnavailableException unavailable)
        {
            return new ReconcileOutcome(false, 0, $"the old primary {oldPrimary.Name} does not answer ({unavailable.Message})");
        }
    }

    private async Task<long> RepublishAsync(StorageRegion oldPrimary, StorageRegion newPrimary, CancellationToken cancellationToken)
    {
        if ((await store.ReadAsync(oldPrimary, cancellationToken)).Record is null && !await HasMessagesTableAsync(oldPrimary, cancellationToken))
        {
            return 0; // it came back empty: nothing of it to recover
        }
        // Metadata first (a queue must be known before its messages): rows only the old primary has — written there and
        // not mirrored before it went away — are copied; rows the new primary has stay as they are.
        var metadata = await new TableMetadataMirror(oldPrimary.Metadata, newPrimary.Metadata).CopyMissingAsync(cancellationToken);
        if (metadata > 0)
        {
            logger.LogWarning("Reconciliation copied {Rows} metadata rows only {Old} had into {New}.", metadata, oldPrimary.Name, newPrimary.Name);
            directory.ForgetAll();
        }
        var outbox = new TableOutbox(oldPrimary);
        var into = new TableReplicaStore(newPrimary, time);
        long republished = 0;
        foreach (var partition in (await directory.AllQueuesAsync(cancellationToken)).SelectMany(q => q.Partitions))
        {
            var partitionKey = MessageRows.PartitionKey(partition);
            while (true)
            {
                var batch = await outbox.ReadAsync(partitionKey, Batch, cancellationToken);
                if (batch.Changes.Count == 0) break;
                var missing = new List<TableEntity>();
                foreach (var message in batch.Changes.GroupBy(c => c.GetString("Seq")))
                {
                    var latest = message.OrderBy(c => c.GetInt64("Ver") ?? 0).ThenBy(c => c.RowKey, StringComparer.Ordinal).Last();
                    if (latest.GetString(ChangeColumns.Op) == ChangeColumns.Delete) continue; // gone there before it could ship
                    if (await KnownAsync(newPrimary.Messages, partitionKey, message.Key, latest, cancellationToken)) continue;
                    missing.AddRange(message);
                }
                if (missing.Count > 0)
                {
                    await into.ApplyAsync(partitionKey, missing, batch.Bodies, cancellationToken);
                    republished += missing.Select(c => c.GetString("Seq")).Distinct().Count();
                }
                await outbox.DeleteAsync(partitionKey, batch.Changes.Select(c => c.RowKey).ToList(), cancellationToken);
            }
        }
        return republished;
    }

    /// <summary>The new primary received this message once (its anchor is there, whatever happened to it since), or holds
    /// another message with the same id in its dedup window.</summary>
    private static async Task<bool> KnownAsync(TableClient table, string partitionKey, string sequence, TableEntity change, CancellationToken cancellationToken)
    {
        var anchor = await StorageErrors.TranslateAsync(() => table.GetEntityIfExistsAsync<TableEntity>(partitionKey, TableReplicaStore.AnchorKey(sequence), ["RowKey"], cancellationToken), cancellationToken);
        if (anchor.HasValue) return true;
        if (change.GetString(ChangeColumns.DedupKey) is { Length: > 0 } dedupKey)
        {
            var dedup = await StorageErrors.TranslateAsync(() => table.GetEntityIfExistsAsync<TableEntity>(partitionKey, dedupKey, cancellationToken: cancellationToken), cancellationToken);
            if (dedup.HasValue) return true;
        }
        return false;
    }

    private static async Task<bool> HasMessagesTableAsync(StorageRegion region, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var _ in region.Messages.QueryAsync<TableEntity>(maxPerPage: 1, select: ["RowKey"], cancellationToken: cancellationToken).AsPages(pageSizeHint: 1)) break;
            return true;
        }
        catch (Azure.RequestFailedException missing) when (missing.Status == 404)
        {
            return false;
        }
        catch (Exception failure) when (StorageErrors.Translate(failure, cancellationToken) is UnavailableException unavailable)
        {
            throw unavailable;
        }
    }
}

/// <summary>What a reconciliation pass did: finished (or why not yet) and how many messages it re-published.</summary>
public sealed record ReconcileOutcome(bool Done, long Republished, string? Waiting)
{
    public static ReconcileOutcome NotNeeded { get; } = new(true, 0, null);
}
