using Azure.Data.Tables;
using Serverless.IntegrationTests.Messages;
using Serverless.Storage;
using Serverless.Testing;

namespace Serverless.IntegrationTests.Replication;

/// <summary>Reads a region's message rows directly (not through the service), to see what each region holds.</summary>
internal sealed class ReplicaRows(TableClient messages)
{
    public ReplicaRows(string connectionString) : this(new TableClient(connectionString, "Messages")) { }

    public ReplicaRows(StorageRegion region) : this(region.Messages) { }

    public static ReplicaRows Primary(AzuriteRegionsFixture regions) => new(regions.Primary.ConnectionString);

    public static ReplicaRows Secondary(AzuriteRegionsFixture regions) => new(regions.Secondary.ConnectionString);

    public static async Task<string> PartitionKeyAsync(EngineHost engine, string queue, int shard = 0) =>
        $"{EngineCalls.Vhost}|{queue}|{(await engine.Get<IMetadataStore>().GetQueueAsync(EngineCalls.Vhost, queue))!.Incarnation}|{shard:D2}";

    /// <summary>The partition of a queue's shard, from the primary's metadata (for tests that talk to the service over HTTP).</summary>
    public static async Task<string> PartitionKeyAsync(AzuriteRegionsFixture regions, string vhost, string queue, int shard = 0)
    {
        var row = await new TableClient(regions.Primary.ConnectionString, "Metadata").GetEntityAsync<TableEntity>($"queue|{vhost}", queue);
        return $"{vhost}|{queue}|{row.Value.GetString("Incarnation")}|{shard:D2}";
    }

    /// <summary>The index rows (ready and invisible) of a partition: what is live there.</summary>
    public async Task<List<TableEntity>> IndexRowsAsync(string partitionKey)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey} and RowKey ge 'r:' and RowKey lt 'r;'")
            + " or " + TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey} and RowKey ge 'v:' and RowKey lt 'v;'");
        var rows = new List<TableEntity>();
        await foreach (var row in messages.QueryAsync<TableEntity>(filter)) rows.Add(row);
        return rows;
    }

    /// <summary>The message ids live in a partition, sorted.</summary>
    public async Task<List<string>> MessageIdsAsync(string partitionKey) =>
        (await IndexRowsAsync(partitionKey)).Select(r => r.GetString("MessageId")).Order(StringComparer.Ordinal).ToList();

    public async Task<TableEntity?> RowAsync(string partitionKey, string rowKey)
    {
        var row = await messages.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey);
        return row.HasValue ? row.Value : null;
    }
}
