using Azure;
using Azure.Data.Tables;
using Serverless.Messages;
using static Serverless.Storage.Tables.MessageRows;

namespace Serverless.Storage.Tables;

/// <summary>A full copy of the message partitions into a secondary region that came back empty (or whose contents are
/// unknown): every live message of the primary is applied there as its current state, anything the secondary holds that
/// the primary does not is deleted, and every partition gets its head row. A marker row in the secondary's
/// <c>Messages</c> table says the copy was made; a region that loses its data loses the marker with it.</summary>
public sealed class TableReplicaRepair(TableClient primary, TableClient secondary, TableReplicaStore replica, TimeProvider time)
{
    private const string MarkerPartition = "~region", MarkerRow = "copied";
    private static readonly string[] Columns = [.. IndexWithContentColumns];

    /// <summary>Longer than any publish takes from its sequence to its commit (requests end after seconds), plus clock
    /// skew between instances.</summary>
    private static readonly TimeSpan InFlightMargin = TimeSpan.FromMinutes(1);

    /// <summary>Forgets that the secondary holds a full copy (it was primary and may hold what the primary does not, or
    /// rows without their anchors): the next catch-up compares and copies everything.</summary>
    public async Task ForgetCopyAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await StorageErrors.TranslateAsync(() => secondary.DeleteEntityAsync(MarkerPartition, MarkerRow, ETag.All, cancellationToken), cancellationToken);
        }
        catch (StorageFailureException gone) when (gone.InnerException is RequestFailedException { Status: 404 })
        {
        }
        catch (Errors.UnavailableException gone) when (gone.InnerException is RequestFailedException { Status: 404 })
        {
        }
    }

    /// <summary>Copies everything when the secondary has no marker, else only makes sure each partition has its head row.</summary>
    public async Task EnsureCopiedAsync(IReadOnlyList<QueuePartition> partitions, CancellationToken cancellationToken = default)
    {
        var marked = (await StorageErrors.TranslateAsync(() => secondary.GetEntityIfExistsAsync<TableEntity>(MarkerPartition, MarkerRow, cancellationToken: cancellationToken), cancellationToken)).HasValue;
        foreach (var partition in partitions)
        {
            await EnsureHeadAsync(partition, cancellationToken);
            if (!marked) await CopyPartitionAsync(partition, cancellationToken);
        }
        if (!marked)
        {
            await StorageErrors.TranslateAsync(() => secondary.UpsertEntityAsync(new TableEntity(MarkerPartition, MarkerRow) { ["At"] = time.GetUtcNow() }, TableUpdateMode.Replace, cancellationToken), cancellationToken);
        }
    }

    /// <summary>The secondary's head row of a partition (without a count: a promoted region counts its limited shards anew).</summary>
    public async Task EnsureHeadAsync(QueuePartition partition, CancellationToken cancellationToken = default)
    {
        try
        {
            await StorageErrors.TranslateAsync(() => secondary.AddEntityAsync(new TableEntity(PartitionKey(partition), HeadKey) { ["Count"] = 0L, ["Bytes"] = 0L, ["Complete"] = true }, cancellationToken), cancellationToken);
        }
        catch (StorageFailureException exists) when (exists.InnerException is RequestFailedException { Status: 409 })
        {
        }
    }

    /// <summary>Applies every live message of the primary partition (a leased one as ready: leases are not replicated) and
    /// deletes from the secondary what the primary no longer has.</summary>
    public async Task CopyPartitionAsync(QueuePartition partition, CancellationToken cancellationToken = default)
    {
        var partitionKey = PartitionKey(partition);
        // A region that was primary keeps its head's count, which stops being true as it receives changes: the head is
        // made a replica's (no count), so that if it is promoted again it counts its limited shards anew.
        await StorageErrors.TranslateAsync(() => secondary.UpsertEntityAsync(
            new TableEntity(partitionKey, HeadKey) { ["Count"] = 0L, ["Bytes"] = 0L, ["Complete"] = true }, TableUpdateMode.Replace, cancellationToken), cancellationToken);
        // Messages newer than this may be under way (sequence taken, transaction not yet read here, or applied to the
        // secondary by their own change after the index was read): only older ones are judged extra below.
        var judgedBefore = (time.GetUtcNow() - InFlightMargin).UtcTicks.ToString("D19", System.Globalization.CultureInfo.InvariantCulture);
        var index = await QueryAsync(primary, RangeFilter(partition, ReadyFrom, ReadyTo) + " or " + RangeFilter(partition, InvisibleFrom, InvisibleTo), Columns, cancellationToken);
        var dedupRows = await QueryAsync(primary, RangeFilter(partition, DedupFrom, DedupTo), ["RowKey", "Seq", "ExpiresAt"], cancellationToken);
        var dedup = dedupRows.Where(d => d.GetString("Seq") is not null).GroupBy(d => d.GetString("Seq")).ToDictionary(g => g.Key, g => g.First());
        var live = new HashSet<string>();
        var changes = new List<ITableEntity>();
        var bodies = new Dictionary<string, TableEntity>();
        foreach (var row in index)
        {
            var entry = ToIndexEntry(row);
            live.Add(entry.Sequence);
            var key = entry.State == IndexState.InFlight ? ReadyKey(entry.PriorityRank, entry.Sequence) : entry.Key;
            dedup.TryGetValue(entry.Sequence, out var dedupRow);
            var change = Upserted(partition, "copy", "copy", entry with { Key = key, Version = Math.Max(1, entry.Version), ReplicaKeys = [key] },
                dedupRow?.RowKey, dedupRow is null ? null : Time(dedupRow, "ExpiresAt"));
            changes.Add(change);
            if (entry.BodyRow
                && (await StorageErrors.TranslateAsync(() => primary.GetEntityIfExistsAsync<TableEntity>(partitionKey, BodyKey(entry.Sequence), cancellationToken: cancellationToken), cancellationToken)) is { HasValue: true } body)
            {
                bodies[entry.Sequence] = body.Value!;
            }
        }
        foreach (var chunk in changes.Chunk(200)) await replica.ApplyAsync(partitionKey, chunk, bodies, cancellationToken);
        await CopyDedupWindowsAsync(partitionKey, dedupRows.Where(d => !live.Contains(d.GetString("Seq") ?? "")), cancellationToken);
        var anchors = await QueryAsync(secondary, TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey} and RowKey ge 'i:' and RowKey lt 'i;'"), ["RowKey", "Ver", "Gone", "Key", "BodyRow", "ExpiresAt"], cancellationToken);
        var extras = anchors.Where(a => a.GetBoolean("Gone") != true && !live.Contains(a.RowKey[2..])
                && string.CompareOrdinal(a.RowKey[2..], judgedBefore) < 0)
            .Select(a => (ITableEntity)Removed(partition, "copy", "copy", ExtraOf(a), (a.GetInt64("Ver") ?? 0) + 1)).ToList();
        foreach (var chunk in extras.Chunk(200)) await replica.ApplyAsync(partitionKey, chunk, bodies, cancellationToken);
        await RemoveOrphanRowsAsync(partition, cancellationToken);
    }

    /// <summary>Index rows no anchor accounts for: rows a region wrote while it was primary (a replica's own rows always
    /// come with their anchor, in one transaction) of messages it no longer should hold, or a message's older key left
    /// beside the one its anchor names. Read index first, anchors second, so an apply running meanwhile is never undone.</summary>
    private async Task RemoveOrphanRowsAsync(QueuePartition partition, CancellationToken cancellationToken)
    {
        var partitionKey = PartitionKey(partition);
        var held = await QueryAsync(secondary, RangeFilter(partition, ReadyFrom, ReadyTo) + " or " + RangeFilter(partition, InvisibleFrom, InvisibleTo), ["RowKey", "Seq"], cancellationToken);
        if (held.Count == 0) return;
        var anchors = (await QueryAsync(secondary, TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey} and RowKey ge 'i:' and RowKey lt 'i;'"), ["RowKey", "Key", "Gone"], cancellationToken))
            .ToDictionary(a => a.RowKey[2..], a => a);
        var orphans = new List<string>();
        foreach (var row in held)
        {
            var sequence = row.GetString("Seq") ?? "";
            if (anchors.TryGetValue(sequence, out var anchor) && anchor.GetBoolean("Gone") != true && anchor.GetString("Key") == row.RowKey) continue;
            orphans.Add(row.RowKey);
            if (!anchors.TryGetValue(sequence, out anchor) || anchor.GetBoolean("Gone") == true) orphans.Add(BodyKey(sequence));
        }
        await TableTransactions.SubmitAsync(secondary, orphans.Distinct().ToList(),
            key => [new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partitionKey, key), ETag.All)],
            TableTransactions.GiveUp, cancellationToken, mayBeGone: _ => true);
    }

    /// <summary>The open dedup windows of messages already gone (acked, dead-lettered): a retry of one after a promotion
    /// must still be a duplicate. Upserted in transactions of 100 (one partition).</summary>
    private async Task CopyDedupWindowsAsync(string partitionKey, IEnumerable<TableEntity> rows, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcTicks;
        var open = rows.Where(d => (d.GetInt64("ExpiresAt") ?? 0) > now)
            .Select(d => new TableTransactionAction(TableTransactionActionType.UpsertReplace,
                new TableEntity(partitionKey, d.RowKey) { ["Seq"] = d.GetString("Seq"), ["ExpiresAt"] = d.GetInt64("ExpiresAt") }));
        foreach (var chunk in open.Chunk(100))
        {
            await StorageErrors.TranslateAsync(() => secondary.SubmitTransactionAsync(chunk, cancellationToken), cancellationToken);
        }
    }

    /// <summary>What the secondary's anchor says of a message the primary does not have: where its rows are.</summary>
    private static IndexEntry ExtraOf(TableEntity anchor) => new()
    {
        Key = anchor.GetString("Key") ?? "",
        ETag = "*",
        Sequence = anchor.RowKey[2..],
        MessageId = "",
        State = IndexState.Ready,
        BodyRow = anchor.GetBoolean("BodyRow") == true,
        ExpiresAt = Time(anchor, "ExpiresAt"),
        ReplicaKeys = anchor.GetString("Key") is { } key ? [key] : [],
    };

    private static async Task<List<TableEntity>> QueryAsync(TableClient table, string filter, string[] select, CancellationToken cancellationToken) =>
        await StorageErrors.TranslateAsync(async () =>
        {
            var rows = new List<TableEntity>();
            await foreach (var row in table.QueryAsync<TableEntity>(filter, 1000, select, cancellationToken)) rows.Add(row);
            return rows;
        }, cancellationToken);
}
