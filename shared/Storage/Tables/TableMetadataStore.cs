using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Serverless.Json;
using Serverless.Queues;

namespace Serverless.Storage.Tables;

/// <summary><see cref="IMetadataStore"/> on the <c>Metadata</c> table: partition <c>vhost</c> holds the
/// vhosts, partition <c>queue|{vhost}</c> the queues of a vhost.</summary>
public sealed class TableMetadataStore(TableClient table) : IMetadataStore
{
    private const string VhostPartition = "vhost";
    private static string QueuePartition(string vhost) => "queue|" + vhost;

    /// <summary>The row that holds a vhost, a queue, or a record of a kind (for mirroring rows to the secondary).</summary>
    public static (string PartitionKey, string RowKey) VhostRow(string name) => (VhostPartition, name);
    public static (string PartitionKey, string RowKey) QueueRow(string vhost, string name) => (QueuePartition(vhost), name);
    public static (string PartitionKey, string RowKey) RecordRow(string kind, string vhost, string key) => (RecordPartition(kind, vhost), key);

    public TableMetadataStore(StorageRegion region) : this(region.Metadata) { }

    public async Task<bool> CreateVhostAsync(VhostRecord vhost, CancellationToken cancellationToken = default)
    {
        var entity = new TableEntity(VhostPartition, vhost.Name) { ["CreatedAt"] = vhost.CreatedAt };
        return await AddAsync(entity, cancellationToken);
    }

    public async Task<VhostRecord?> GetVhostAsync(string name, CancellationToken cancellationToken = default) =>
        await GetAsync(VhostPartition, name, cancellationToken) is { } entity ? ToVhost(entity) : null;

    public async Task<IReadOnlyList<VhostRecord>> ListVhostsAsync(CancellationToken cancellationToken = default) =>
        (await QueryAsync(VhostPartition, cancellationToken)).Select(ToVhost).ToList();

    public Task<bool> DeleteVhostAsync(string name, CancellationToken cancellationToken = default) =>
        DeleteAsync(VhostPartition, name, cancellationToken);

    public Task<bool> MarkVhostDeletingAsync(string name, DateTimeOffset since, CancellationToken cancellationToken = default) =>
        StorageErrors.TranslateAsync(async () =>
        {
            try
            {
                await table.UpdateEntityAsync(new TableEntity(VhostPartition, name) { ["DeletingSince"] = since }, ETag.All, TableUpdateMode.Merge, cancellationToken);
                return true;
            }
            catch (RequestFailedException missing) when (missing.Status == 404)
            {
                return false;
            }
        }, cancellationToken);

    public async Task<(QueueRecord Queue, bool Created)> CreateQueueAsync(QueueRecord queue, CancellationToken cancellationToken = default)
    {
        var entity = new TableEntity(QueuePartition(queue.Vhost), queue.Name)
        {
            ["Arguments"] = JsonSerializer.Serialize(queue.Arguments, ApiJson.Options),
            ["CreatedAt"] = queue.CreatedAt,
            ["Incarnation"] = queue.Incarnation,
        };
        if (await AddAsync(entity, cancellationToken)) return (await GetQueueAsync(queue.Vhost, queue.Name, cancellationToken) ?? queue, true);
        var existing = await GetQueueAsync(queue.Vhost, queue.Name, cancellationToken);
        // Deleted between our insert and read: a second attempt settles it.
        return existing is null ? await CreateQueueAsync(queue, cancellationToken) : (existing, false);
    }

    public async Task<QueueRecord?> GetQueueAsync(string vhost, string name, CancellationToken cancellationToken = default) =>
        await GetAsync(QueuePartition(vhost), name, cancellationToken) is { } entity ? ToQueue(vhost, entity) : null;

    public async Task<IReadOnlyList<QueueRecord>> ListQueuesAsync(string vhost, CancellationToken cancellationToken = default) =>
        (await QueryAsync(QueuePartition(vhost), cancellationToken)).Select(e => ToQueue(vhost, e)).ToList();

    public Task<bool> DeleteQueueAsync(string vhost, string name, CancellationToken cancellationToken = default) =>
        DeleteAsync(QueuePartition(vhost), name, cancellationToken);

    public async Task<QueueRecord?> SetQueueDeletingAsync(QueueRecord queue, QueueDeleteState? deleting, CancellationToken cancellationToken = default)
    {
        var entity = new TableEntity(QueuePartition(queue.Vhost), queue.Name)
        {
            ["Deleting"] = deleting is null ? null : JsonSerializer.Serialize(deleting, StoredJson),
        };
        try
        {
            // Merge: a null property is left out of the request, so clearing writes an empty string.
            if (deleting is null) entity["Deleting"] = "";
            await StorageErrors.TranslateAsync(() => table.UpdateEntityAsync(entity, new ETag(queue.ETag!), TableUpdateMode.Merge, cancellationToken), cancellationToken);
        }
        catch (StorageFailureException changed) when (changed.InnerException is RequestFailedException { Status: 412 or 404 })
        {
            return null;
        }
        return await GetQueueAsync(queue.Vhost, queue.Name, cancellationToken);
    }

    public async Task<bool> DeleteQueueAsync(QueueRecord queue, CancellationToken cancellationToken = default)
    {
        try
        {
            await StorageErrors.TranslateAsync(() => table.DeleteEntityAsync(QueuePartition(queue.Vhost), queue.Name, new ETag(queue.ETag!), cancellationToken), cancellationToken);
            return true;
        }
        catch (StorageFailureException changed) when (changed.InnerException is RequestFailedException { Status: 412 or 404 })
        {
            return false;
        }
    }

    public Task TouchQueueAsync(string vhost, string name, DateTimeOffset usedAt, CancellationToken cancellationToken = default) =>
        StorageErrors.TranslateAsync(async () =>
        {
            try
            {
                await table.UpdateEntityAsync(new TableEntity(QueuePartition(vhost), name) { ["LastUsedAt"] = usedAt }, ETag.All, TableUpdateMode.Merge, cancellationToken);
            }
            catch (RequestFailedException missing) when (missing.Status == 404)
            {
                // Deleted meanwhile: nothing to mark.
            }
        }, cancellationToken);

    private static string RecordPartition(string kind, string vhost) => kind + "|" + vhost;

    public Task<bool> AddRecordAsync<T>(string kind, string vhost, string key, T record, CancellationToken cancellationToken = default) =>
        AddAsync(new TableEntity(RecordPartition(kind, vhost), key) { ["Data"] = JsonSerializer.Serialize(record, ApiJson.Options) }, cancellationToken);

    public Task PutRecordAsync<T>(string kind, string vhost, string key, T record, CancellationToken cancellationToken = default) =>
        StorageErrors.TranslateAsync(() => table.UpsertEntityAsync(
            new TableEntity(RecordPartition(kind, vhost), key) { ["Data"] = JsonSerializer.Serialize(record, ApiJson.Options) }, TableUpdateMode.Replace, cancellationToken), cancellationToken);

    public async Task<T?> GetRecordAsync<T>(string kind, string vhost, string key, CancellationToken cancellationToken = default) where T : class =>
        await GetAsync(RecordPartition(kind, vhost), key, cancellationToken) is { } entity ? Deserialize<T>(entity) : null;

    public async Task<IReadOnlyList<T>> ListRecordsAsync<T>(string kind, string vhost, CancellationToken cancellationToken = default) =>
        (await QueryAsync(RecordPartition(kind, vhost), cancellationToken)).Select(Deserialize<T>).ToList();

    public Task<bool> DeleteRecordAsync(string kind, string vhost, string key, CancellationToken cancellationToken = default) =>
        DeleteAsync(RecordPartition(kind, vhost), key, cancellationToken);

    private static T Deserialize<T>(TableEntity entity) =>
        JsonSerializer.Deserialize<T>(entity.GetString("Data") ?? "null", StoredJson)!;

    // Stored records are our own writing: tolerate fields added by newer versions.
    private static readonly JsonSerializerOptions StoredJson = new(ApiJson.Options) { UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Skip };

    private static VhostRecord ToVhost(TableEntity entity) =>
        new(entity.RowKey, entity.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.UnixEpoch) { DeletingSince = entity.GetDateTimeOffset("DeletingSince") };

    private static QueueRecord ToQueue(string vhost, TableEntity entity) => new(
        vhost,
        entity.RowKey,
        JsonSerializer.Deserialize<QueueArguments>(entity.GetString("Arguments") ?? "{}", StoredJson) ?? QueueArguments.None,
        entity.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.UnixEpoch)
    {
        LastUsedAt = entity.GetDateTimeOffset("LastUsedAt"),
        Incarnation = entity.GetString("Incarnation") ?? "",
        Deleting = entity.GetString("Deleting") is { Length: > 0 } deleting ? JsonSerializer.Deserialize<QueueDeleteState>(deleting, StoredJson) : null,
        ETag = entity.ETag.ToString(),
    };

    private async Task<bool> AddAsync(TableEntity entity, CancellationToken cancellationToken)
    {
        try
        {
            await StorageErrors.TranslateAsync(() => table.AddEntityAsync(entity, cancellationToken), cancellationToken);
            return true;
        }
        catch (StorageFailureException failure) when (failure.InnerException is RequestFailedException { Status: 409 })
        {
            return false;
        }
    }

    private async Task<TableEntity?> GetAsync(string partition, string row, CancellationToken cancellationToken)
    {
        var response = await StorageErrors.TranslateAsync(() => table.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: cancellationToken), cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    private async Task<bool> DeleteAsync(string partition, string row, CancellationToken cancellationToken)
    {
        var response = await StorageErrors.TranslateAsync(() => table.DeleteEntityAsync(partition, row, ETag.All, cancellationToken), cancellationToken);
        return response.Status != 404;
    }

    private Task<List<TableEntity>> QueryAsync(string partition, CancellationToken cancellationToken) =>
        StorageErrors.TranslateAsync(async () =>
        {
            var rows = new List<TableEntity>();
            await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), cancellationToken: cancellationToken))
            {
                rows.Add(row);
            }
            return rows;
        }, cancellationToken);
}
