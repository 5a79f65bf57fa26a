using System.Globalization;
using Azure;
using Azure.Data.Tables;
using static Serverless.Storage.Tables.MessageRows;

namespace Serverless.Storage.Tables;

/// <summary>The change rows (<c>o:{changeSeq}</c>) of the primary's message partitions: what is still to be shipped to
/// the secondary, in the order the changes were made (their keys start with the time). Shipped rows are deleted in
/// batches of up to 100 per transaction, never one request per message.</summary>
public sealed class TableOutbox(TableClient table)
{
    private const string ChangeTo = "o;";

    public TableOutbox(StorageRegion region) : this(region.Messages) { }

    /// <summary>The oldest change rows of a partition, up to <paramref name="max"/>, with the body rows of the large
    /// messages among them (read from the partition; absent when the message is gone).</summary>
    public async Task<OutboxBatch> ReadAsync(string partitionKey, int max, CancellationToken cancellationToken = default)
    {
        var changes = await QueryAsync(Range(partitionKey, ChangeFrom, ChangeTo), null, max, cancellationToken);
        var large = changes.Where(c => c.GetString(ChangeColumns.Op) == ChangeColumns.Upsert && c.GetBoolean("BodyRow") == true)
            .Select(c => c.GetString("Seq")).Distinct().ToList();
        var bodies = await Task.WhenAll(large.Select(async seq => await StorageErrors.TranslateAsync(() =>
            table.GetEntityIfExistsAsync<TableEntity>(partitionKey, BodyKey(seq), cancellationToken: cancellationToken), cancellationToken)));
        return new OutboxBatch(partitionKey, changes,
            bodies.Where(b => b.HasValue).Select(b => b.Value!).ToDictionary(b => b.GetString("Seq") ?? b.RowKey[2..], b => b));
    }

    /// <summary>The keys of a partition's change rows, oldest first, up to <paramref name="max"/>.</summary>
    public async Task<IReadOnlyList<string>> ListKeysAsync(string partitionKey, int max, CancellationToken cancellationToken = default) =>
        (await QueryAsync(Range(partitionKey, ChangeFrom, ChangeTo), ["RowKey"], max, cancellationToken)).Select(r => r.RowKey).ToList();

    /// <summary>Deletes shipped change rows (any already gone are skipped).</summary>
    public async Task DeleteAsync(string partitionKey, IReadOnlyList<string> changeKeys, CancellationToken cancellationToken = default) =>
        await TableTransactions.SubmitAsync(table, changeKeys.Distinct().ToList(),
            key => [new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partitionKey, key), ETag.All)],
            TableTransactions.GiveUp, cancellationToken, mayBeGone: _ => true);

    /// <summary>When a change row was written, from its key (<c>o:{ticks}{suffix}</c>).</summary>
    public static DateTimeOffset TimeOf(string changeKey) =>
        new(long.Parse(changeKey.AsSpan(2, 19), NumberStyles.None, CultureInfo.InvariantCulture), TimeSpan.Zero);

    private static string Range(string partitionKey, string from, string to) =>
        TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey} and RowKey ge {from} and RowKey lt {to}");

    private async Task<List<TableEntity>> QueryAsync(string filter, string[]? select, int max, CancellationToken cancellationToken) =>
        await StorageErrors.TranslateAsync(async () =>
        {
            var rows = new List<TableEntity>();
            if (max <= 0) return rows;
            await foreach (var row in table.QueryAsync<TableEntity>(filter, Math.Min(max, 1000), select, cancellationToken))
            {
                rows.Add(row);
                if (rows.Count >= max) break;
            }
            return rows;
        }, cancellationToken);
}

/// <summary>Change rows read from one partition's outbox, and the body rows of its large messages by sequence.</summary>
public sealed record OutboxBatch(string PartitionKey, IReadOnlyList<TableEntity> Changes, IReadOnlyDictionary<string, TableEntity> Bodies);

/// <summary>What a partition has not shipped yet: how many change rows (counted up to a bound) and since when.</summary>
public sealed record OutboxLag(int Changes, DateTimeOffset? OldestAt)
{
    public static OutboxLag None { get; } = new(0, null);
}
