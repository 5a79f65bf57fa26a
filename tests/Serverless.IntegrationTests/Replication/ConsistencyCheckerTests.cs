using Azure.Data.Tables;
using Serverless.IntegrationTests.Messages;
using Serverless.Messages;
using Serverless.Queues;
using Serverless.Replication;
using Serverless.Testing;

namespace Serverless.IntegrationTests.Replication;

/// <summary>The consistency checker reads both regions' stores directly: equal after replication, and each kind of
/// divergence (a row the secondary lacks, one only it has, one that differs) named as such.</summary>
public sealed class ConsistencyCheckerTests(AzuriteRegionsFixture regions) : IClassFixture<AzuriteRegionsFixture>
{
    [Fact]
    public async Task Replicated_stores_are_equal_and_every_tampering_of_the_secondary_is_reported_by_kind()
    {
        await using var engine = await EngineHost.StartAsync(regions);
        var queue = EngineCalls.NewQueueName("checked");
        await engine.DeclareAsync(queue, new QueueArguments { MaxPriority = 5 });
        await engine.PublishAsync(queue,
            new PublishMessage { Body = "small", MessageId = "small" },
            new PublishMessage { Body = new string('L', 9000), MessageId = "large" },
            new PublishMessage { Body = "urgent", MessageId = "urgent", Priority = 5, TtlSeconds = 3600 });
        await engine.PublishAsync(queue, new PublishMessage { Body = "acked", MessageId = "acked", Priority = 5 });
        var acked = Assert.Single(await engine.ReceiveAsync(queue, maxMessages: 1));
        Assert.Equal(ReceiptStatus.Acked, await engine.AckAsync(queue, acked.Receipt!)); // its dedup entry stays, in both regions
        var leased = await engine.ReceiveAsync(queue, maxMessages: 1); // a lease is not a difference
        Assert.Single(leased);
        await engine.Get<Replicator>().SweepAsync();

        var equal = await CompareAsync();
        Assert.True(equal.Equal, equal.Describe());
        Assert.Equal(3, equal.Compared.Messages);
        Assert.Equal(4, equal.Compared.DedupEntries);
        Assert.True(equal.Compared.MetadataRows > 0);

        var partition = await ReplicaRows.PartitionKeyAsync(engine, queue);
        var secondaryMessages = new TableClient(regions.Secondary.ConnectionString, "Messages");
        var rows = await ReplicaRows.Secondary(regions).IndexRowsAsync(partition);
        var small = rows.Single(r => r.GetString("MessageId") == "small");
        var large = rows.Single(r => r.GetString("MessageId") == "large");
        await secondaryMessages.DeleteEntityAsync(partition, small.RowKey);
        var largeBody = (await secondaryMessages.GetEntityAsync<TableEntity>(partition, "m:" + large.GetString("Seq"))).Value;
        largeBody["Body0"] = new byte[] { 1, 2, 3 };
        await secondaryMessages.UpdateEntityAsync(largeBody, Azure.ETag.All, TableUpdateMode.Merge);
        var stray = new TableEntity(small) { RowKey = "r:9:99999999999999999999", ["Seq"] = "99999999999999999999", ["MessageId"] = "stray" };
        await secondaryMessages.AddEntityAsync(stray);
        var secondaryMetadata = new TableClient(regions.Secondary.ConnectionString, "Metadata");
        var queueRow = (await secondaryMetadata.GetEntityAsync<TableEntity>($"queue|{EngineCalls.Vhost}", queue)).Value;
        queueRow["Arguments"] = "{\"maxPriority\":1}";
        await secondaryMetadata.UpdateEntityAsync(queueRow, Azure.ETag.All, TableUpdateMode.Replace);

        var report = await CompareAsync();
        Assert.False(report.Equal);
        var missing = Assert.Single(report.Missing);
        Assert.Contains("seq=" + small.GetString("Seq"), missing.Item);
        var extra = Assert.Single(report.Extra);
        Assert.Contains("seq=99999999999999999999", extra.Item);
        Assert.Equal(2, report.Different.Count);
        Assert.Contains(report.Different, d => d.Item.Contains("seq=" + large.GetString("Seq")) && d.Fields.Any(f => f.Field == "Body"));
        Assert.Contains(report.Different, d => d.Item == $"metadata queue|{EngineCalls.Vhost}/{queue}" && d.Fields.Any(f => f.Field == "Arguments"));
        Assert.Contains("1 missing, 1 extra, 2 different", report.Describe());
    }

    private Task<ConsistencyReport> CompareAsync() =>
        ConsistencyChecker.CompareAsync(regions.Primary.ConnectionString, regions.Secondary.ConnectionString);

}
