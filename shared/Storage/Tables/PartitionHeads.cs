using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Serverless.Messages;
using static Serverless.Storage.Tables.MessageRows;

namespace Serverless.Storage.Tables;

/// <summary>The head row of a shard (<c>h</c>): it exists while the queue incarnation lives, so a delete that removes
/// it fences publishers out (their transactions check it), and for a shard with length limits it holds the count
/// and bytes of the ready and delayed rows counted under its signature. A row is counted exactly when its
/// <c>Counted</c> equals the head's signature, and every transaction that adds or removes such a row changes the
/// head in the same transaction, under its ETag: the count is exact, and costs one row per transaction, not a scan.
/// Heads are cached per instance; a stale ETag costs one re-read.</summary>
internal sealed class PartitionHeads(TableClient table)
{
    private readonly ConcurrentDictionary<QueuePartition, Head> cache = new();

    /// <summary>A head as last seen. <see cref="Signature"/> null: the shard is not counted. <see cref="Complete"/>: every
    /// ready and delayed row is counted (a new signature starts incomplete until its rows are marked).</summary>
    public sealed record Head(ETag ETag, string? Signature, long Count, long Bytes, DateTimeOffset? Since = null, bool Complete = true);

    public async ValueTask<Head?> GetAsync(QueuePartition partition, CancellationToken cancellationToken = default)
    {
        if (cache.TryGetValue(partition, out var cached)) return cached;
        return await ReadAsync(partition, cancellationToken);
    }

    public async ValueTask<Head?> ReadAsync(QueuePartition partition, CancellationToken cancellationToken = default)
    {
        var response = await StorageErrors.TranslateAsync(() => table.GetEntityIfExistsAsync<TableEntity>(PartitionKey(partition), HeadKey, cancellationToken: cancellationToken));
        if (!response.HasValue)
        {
            cache.TryRemove(partition, out _);
            return null;
        }
        var head = ToHead(response.Value!);
        cache[partition] = head;
        return head;
    }

    public void Remember(QueuePartition partition, Head head) => cache[partition] = head;

    public void Forget(QueuePartition partition) => cache.TryRemove(partition, out _);

    /// <summary>Creates the head of a new shard, counted from the start when the queue has limits.</summary>
    public async Task CreateAsync(QueuePartition partition, CancellationToken cancellationToken = default)
    {
        var entity = new TableEntity(PartitionKey(partition), HeadKey) { ["Count"] = 0L, ["Bytes"] = 0L, ["Complete"] = true };
        if (partition.Limits is { } limits) entity["Signature"] = limits.Signature;
        try
        {
            await StorageErrors.TranslateAsync(() => table.AddEntityAsync(entity, cancellationToken));
        }
        catch (StorageFailureException exists) when (exists.InnerException is RequestFailedException { Status: 409 })
        {
            // Already there (a repeated declare, or a repair racing another).
        }
        Forget(partition);
    }

    /// <summary>Removes the head (the fence goes up), returning what it held so a refused delete can put it back.</summary>
    public async Task<PartitionHeadState?> RemoveAsync(QueuePartition partition, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var head = await ReadAsync(partition, cancellationToken);
            if (head is null) return null;
            try
            {
                await StorageErrors.TranslateAsync(() => table.DeleteEntityAsync(PartitionKey(partition), HeadKey, head.ETag, cancellationToken));
                Forget(partition);
                return new PartitionHeadState(head.Signature, head.Count, head.Bytes, head.Since, head.Complete);
            }
            catch (StorageFailureException changed) when (changed.InnerException is RequestFailedException { Status: 412 or 404 })
            {
                // Changed meanwhile (a count moved): read it again so the saved state is exact.
            }
        }
    }

    public async Task RestoreAsync(QueuePartition partition, PartitionHeadState? state, CancellationToken cancellationToken = default)
    {
        var entity = new TableEntity(PartitionKey(partition), HeadKey) { ["Count"] = state?.Count ?? 0L, ["Bytes"] = state?.Bytes ?? 0L, ["Complete"] = state?.Complete ?? true };
        if (state?.CountSignature is { } signature) entity["Signature"] = signature;
        if (state?.Since is { } since) entity["Since"] = since.UtcTicks;
        await StorageErrors.TranslateAsync(() => table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken));
        Forget(partition);
    }

    /// <summary>Starts counting the shard under a new signature from zero (its rows are then marked one by one).</summary>
    public async Task<Head?> ResetAsync(QueuePartition partition, Head current, string signature, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var entity = new TableEntity(PartitionKey(partition), HeadKey) { ["Signature"] = signature, ["Count"] = 0L, ["Bytes"] = 0L, ["Since"] = now.UtcTicks, ["Complete"] = false };
        try
        {
            var response = await StorageErrors.TranslateAsync(() => table.UpdateEntityAsync(entity, current.ETag, TableUpdateMode.Replace, cancellationToken));
            var head = new Head(response.Headers.ETag ?? default, signature, 0, 0, now, Complete: false);
            cache[partition] = head;
            return head;
        }
        catch (StorageFailureException changed) when (changed.InnerException is RequestFailedException { Status: 412 or 404 })
        {
            return await ReadAsync(partition, cancellationToken);
        }
    }

    /// <summary>Records that every row of the shard is counted under the head's signature; false when the head changed.</summary>
    public async Task<bool> CompleteAsync(QueuePartition partition, Head head, CancellationToken cancellationToken = default)
    {
        try
        {
            await StorageErrors.TranslateAsync(() => table.UpdateEntityAsync(new TableEntity(PartitionKey(partition), HeadKey) { ["Complete"] = true }, head.ETag, TableUpdateMode.Merge, cancellationToken));
            Forget(partition);
            return true;
        }
        catch (StorageFailureException changed) when (changed.InnerException is RequestFailedException { Status: 412 or 404 })
        {
            return false;
        }
    }

    /// <summary>The head action of a transaction: a count change under the head's ETag, or (for a fence) a merge that
    /// only requires the head to exist.</summary>
    public static TableTransactionAction Update(QueuePartition partition, Head? head, long count, long bytes) => head is null
        ? new(TableTransactionActionType.UpdateMerge, new TableEntity(PartitionKey(partition), HeadKey), ETag.All)
        : new(TableTransactionActionType.UpdateMerge, new TableEntity(PartitionKey(partition), HeadKey) { ["Count"] = count, ["Bytes"] = bytes }, head.ETag);

    private static Head ToHead(TableEntity entity) =>
        new(entity.ETag, entity.GetString("Signature"), entity.GetInt64("Count") ?? 0, entity.GetInt64("Bytes") ?? 0,
            Time(entity, "Since"), entity.GetBoolean("Complete") ?? true);
}
