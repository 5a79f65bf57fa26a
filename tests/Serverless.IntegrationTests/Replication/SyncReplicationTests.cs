using Serverless.IntegrationTests.Messages;
using Serverless.Messages;
using Serverless.Queues;
using Serverless.Testing;

namespace Serverless.IntegrationTests.Replication;

/// <summary>Sync queues: a publish, ack, nack or dead-lettering is confirmed only once both regions have it — right after
/// each call returns, the secondary's store (read directly, not through the service) reflects it.</summary>
public sealed class SyncReplicationTests(AzuriteRegionsFixture regions) : IClassFixture<AzuriteRegionsFixture>
{
    [Fact]
    public async Task Each_confirmed_change_of_a_sync_queue_is_in_the_secondary_when_its_call_returns()
    {
        await using var engine = await EngineHost.StartAsync(regions);
        var dead = EngineCalls.NewQueueName("sync-dlq");
        var queue = EngineCalls.NewQueueName("sync");
        await engine.DeclareAsync(dead);
        await engine.DeclareAsync(queue, new QueueArguments { DeadLetterExchange = "", DeadLetterRoutingKey = dead });
        var partition = await ReplicaRows.PartitionKeyAsync(engine, queue);
        var deadPartition = await ReplicaRows.PartitionKeyAsync(engine, dead);
        var secondary = ReplicaRows.Secondary(regions);

        await engine.PublishAsync(queue,
            new PublishMessage { Body = "to ack", MessageId = "a" },
            new PublishMessage { Body = "to reject", MessageId = "b" },
            new PublishMessage { Body = new string('c', 10_000), MessageId = "c" });
        Assert.Equal(["a", "b", "c"], await secondary.MessageIdsAsync(partition));
        var large = (await secondary.IndexRowsAsync(partition)).Single(r => r.GetString("MessageId") == "c");
        Assert.NotNull(await secondary.RowAsync(partition, "m:" + large.GetString("Seq"))); // its body row too

        var received = (await engine.ReceiveAsync(queue, maxMessages: 3)).ToDictionary(m => m.MessageId);
        Assert.Equal(["a", "b", "c"], await secondary.MessageIdsAsync(partition)); // a lease is not a replicated change

        Assert.Equal(ReceiptStatus.Acked, await engine.AckAsync(queue, received["a"].Receipt!));
        Assert.Equal(["b", "c"], await secondary.MessageIdsAsync(partition));

        Assert.Equal(ReceiptStatus.DeadLettered, await engine.NackAsync(queue, received["b"].Receipt!, requeue: false));
        Assert.Equal(["c"], await secondary.MessageIdsAsync(partition));
        var deadLetter = Assert.Single(await secondary.IndexRowsAsync(deadPartition));
        Assert.Equal("b", deadLetter.GetString("MessageId"));
        Assert.Contains("rejected", deadLetter.GetString("Deaths"));

        Assert.Equal(ReceiptStatus.Requeued, await engine.NackAsync(queue, received["c"].Receipt!, delaySeconds: 600));
        var delayed = Assert.Single(await secondary.IndexRowsAsync(partition));
        Assert.StartsWith("v:", delayed.RowKey); // held as delayed there too
        Assert.NotNull(await secondary.RowAsync(partition, "m:" + large.GetString("Seq")));
    }

    [Fact]
    public async Task Metadata_reaches_the_secondary_row_by_row()
    {
        await using var engine = await EngineHost.StartAsync(regions);
        var queue = EngineCalls.NewQueueName("sync-meta");

        await engine.DeclareAsync(queue, new QueueArguments { MaxPriority = 3 });

        var copy = new Serverless.Storage.Tables.TableMetadataStore(new Azure.Data.Tables.TableClient(regions.Secondary.ConnectionString, "Metadata"));
        var mirrored = await copy.GetQueueAsync(EngineCalls.Vhost, queue);
        Assert.NotNull(mirrored);
        Assert.Equal(3, mirrored.Arguments.MaxPriority);
        await engine.Get<QueueService>().DeleteAsync(EngineCalls.Vhost, queue, ifEmpty: false, ifUnused: false);
        Assert.Null(await copy.GetQueueAsync(EngineCalls.Vhost, queue));
    }
}
