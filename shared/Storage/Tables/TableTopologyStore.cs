using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Serverless.Failover;
using Serverless.Json;

namespace Serverless.Storage.Tables;

/// <summary>The topology row of one region (table <c>Topology</c>, its own table so that the metadata mirror never copies
/// it: each region's row is written on purpose, the new primary's first). Reads and writes are bounded so that a dead
/// region costs a second, not a request's whole budget.</summary>
public sealed class TableTopologyStore
{
    public const string Table = StorageRegion.TopologyTable;
    private const string Partition = "topology", Row = "current";
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(1);

    /// <summary>A region's row as read: the record (null when it has none yet) and its ETag for a conditional write.</summary>
    public sealed record Stored(TopologyRecord? Record, ETag ETag);

    public async Task<Stored> ReadAsync(StorageRegion region, CancellationToken cancellationToken = default)
    {
        using var timeout = Bounded(cancellationToken);
        var response = await StorageErrors.TranslateAsync(
            () => region.Tables.GetTableClient(Table).GetEntityIfExistsAsync<TableEntity>(Partition, Row, cancellationToken: timeout.Token), cancellationToken);
        if (!response.HasValue) return new Stored(null, default);
        var row = response.Value!;
        return new Stored(JsonSerializer.Deserialize<TopologyRecord>(row.GetString("Json"), ApiJson.Options), row.ETag);
    }

    /// <summary>Writes the record unless the row changed since <paramref name="etag"/> was read (default: whatever is
    /// there); false when another writer got there first.</summary>
    public async Task<bool> WriteAsync(StorageRegion region, TopologyRecord record, ETag? etag = null, CancellationToken cancellationToken = default)
    {
        using var timeout = Bounded(cancellationToken);
        var table = region.Tables.GetTableClient(Table);
        var entity = new TableEntity(Partition, Row) { ["Epoch"] = record.Epoch, ["Primary"] = record.Primary, ["Json"] = JsonSerializer.Serialize(record, ApiJson.Options) };
        try
        {
            if (etag is { } expected && expected != default)
            {
                await StorageErrors.TranslateAsync(() => table.UpdateEntityAsync(entity, expected, TableUpdateMode.Replace, timeout.Token), cancellationToken);
            }
            else if (etag is { } none && none == default)
            {
                await StorageErrors.TranslateAsync(() => table.AddEntityAsync(entity, timeout.Token), cancellationToken);
            }
            else
            {
                await StorageErrors.TranslateAsync(() => table.UpsertEntityAsync(entity, TableUpdateMode.Replace, timeout.Token), cancellationToken);
            }
            return true;
        }
        catch (StorageFailureException lost) when (lost.InnerException is RequestFailedException { Status: 409 or 412 })
        {
            return false;
        }
    }

    /// <summary>The region's row, or null when the region does not answer.</summary>
    public async Task<Stored?> TryReadAsync(StorageRegion region, CancellationToken cancellationToken = default)
    {
        try
        {
            return await ReadAsync(region, cancellationToken);
        }
        catch (Errors.UnavailableException)
        {
            return null;
        }
    }

    /// <summary>Writes the record whatever the row holds (its table made first: a region may come back empty); false when
    /// the region does not answer — it learns the record later, from any instance's refresh.</summary>
    public async Task<bool> TryWriteAsync(StorageRegion region, TopologyRecord record, CancellationToken cancellationToken = default)
    {
        try
        {
            await EnsureTableAsync(region, cancellationToken);
            return await WriteAsync(region, record, etag: null, cancellationToken);
        }
        catch (Errors.UnavailableException)
        {
            return false;
        }
    }

    public async Task EnsureTableAsync(StorageRegion region, CancellationToken cancellationToken = default)
    {
        using var timeout = Bounded(cancellationToken);
        await StorageErrors.TranslateAsync(() => region.Tables.CreateTableIfNotExistsAsync(Table, timeout.Token), cancellationToken);
    }

    private static CancellationTokenSource Bounded(CancellationToken cancellationToken)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        source.CancelAfter(RequestTimeout);
        return source;
    }
}
