using Azure;
using Azure.Data.Tables;

namespace Serverless.Storage.Tables;

/// <summary>Keeps the secondary region's <c>Metadata</c> table a copy of the primary's, row by row: state, not actions
/// (a row is copied as the primary holds it now, or deleted when the primary has none), so copying twice or late is
/// harmless. <see cref="SyncAllAsync"/> compares the whole tables (metadata is small) after the secondary was away.</summary>
public sealed class TableMetadataMirror(TableClient primary, TableClient secondary)
{
    private static readonly string[] SystemProperties = ["PartitionKey", "RowKey", "odata.etag", "Timestamp"];

    /// <summary>Copies one row as the primary holds it now (or deletes it on the secondary when the primary has none).</summary>
    public async Task CopyRowAsync(string partitionKey, string rowKey, CancellationToken cancellationToken = default)
    {
        var row = await StorageErrors.TranslateAsync(() => primary.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, cancellationToken: cancellationToken), cancellationToken);
        if (row.HasValue) await StorageErrors.TranslateAsync(() => secondary.UpsertEntityAsync(Copy(row.Value!), TableUpdateMode.Replace, cancellationToken), cancellationToken);
        else await StorageErrors.TranslateAsync(() => secondary.DeleteEntityAsync(partitionKey, rowKey, ETag.All, cancellationToken), cancellationToken);
    }

    /// <summary>Makes the secondary's table equal to the primary's: copies rows missing or different there, deletes rows
    /// the primary does not have. Returns how many rows it changed.</summary>
    public async Task<int> SyncAllAsync(CancellationToken cancellationToken = default)
    {
        var source = await ReadAllAsync(primary, cancellationToken);
        var copy = await ReadAllAsync(secondary, cancellationToken);
        var changed = 0;
        foreach (var (key, row) in source)
        {
            if (copy.TryGetValue(key, out var existing) && SameValues(row, existing)) continue;
            await StorageErrors.TranslateAsync(() => secondary.UpsertEntityAsync(Copy(row), TableUpdateMode.Replace, cancellationToken), cancellationToken);
            changed++;
        }
        foreach (var (key, row) in copy)
        {
            if (source.ContainsKey(key)) continue;
            // Deleted only if unchanged since read: a row a live mirror copied meanwhile stays.
            try
            {
                await StorageErrors.TranslateAsync(() => secondary.DeleteEntityAsync(row.PartitionKey, row.RowKey, row.ETag, cancellationToken), cancellationToken);
                changed++;
            }
            catch (StorageFailureException changedMeanwhile) when (changedMeanwhile.InnerException is RequestFailedException { Status: 412 or 404 })
            {
            }
        }
        return changed;
    }

    /// <summary>Copies the rows the secondary lacks, leaving every row it has as it is (a reconciliation: the "primary"
    /// here is a region that was primary before and may hold what never reached this one). Returns the rows copied.</summary>
    public async Task<int> CopyMissingAsync(CancellationToken cancellationToken = default)
    {
        var source = await ReadAllAsync(primary, cancellationToken);
        var copy = await ReadAllAsync(secondary, cancellationToken);
        var copied = 0;
        foreach (var (key, row) in source.Where(r => !copy.ContainsKey(r.Key)))
        {
            await StorageErrors.TranslateAsync(() => secondary.UpsertEntityAsync(Copy(row), TableUpdateMode.Replace, cancellationToken), cancellationToken);
            copied++;
        }
        return copied;
    }

    private static async Task<Dictionary<(string, string), TableEntity>> ReadAllAsync(TableClient table, CancellationToken cancellationToken) =>
        await StorageErrors.TranslateAsync(async () =>
        {
            var rows = new Dictionary<(string, string), TableEntity>();
            await foreach (var row in table.QueryAsync<TableEntity>(cancellationToken: cancellationToken)) rows[(row.PartitionKey, row.RowKey)] = row;
            return rows;
        }, cancellationToken);

    private static bool SameValues(TableEntity a, TableEntity b) =>
        a.Keys.Where(k => !SystemProperties.Contains(k)).Count() == b.Keys.Where(k => !SystemProperties.Contains(k)).Count()
        && a.Where(p => !SystemProperties.Contains(p.Key)).All(p => b.TryGetValue(p.Key, out var v) && Equals(Normalize(p.Value), Normalize(v)));

    private static object? Normalize(object? value) => value switch
    {
        DateTimeOffset time => time.UtcTicks,
        DateTime time => time.ToUniversalTime().Ticks,
        byte[] bytes => Convert.ToBase64String(bytes),
        _ => value,
    };

    private static TableEntity Copy(TableEntity row)
    {
        var copy = new TableEntity(row.PartitionKey, row.RowKey);
        foreach (var (name, value) in row)
        {
            if (!SystemProperties.Contains(name)) copy[name] = value;
        }
        return copy;
    }
}
