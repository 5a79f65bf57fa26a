using Azure.Data.Tables;
using Serverless.Failover;
using Serverless.Hosting;
using Serverless.IntegrationTests.Messages;
using Serverless.Messages;
using Serverless.Queues;
using Serverless.Storage;
using Serverless.Storage.Tables;
using Serverless.Testing;

namespace Serverless.IntegrationTests.Replication;

/// <summary>One message published twice across a forced failover — confirmed by the old primary and not shipped, then
/// retried with the same <c>messageId</c> into the new one — is one message: whichever copy the primary holds keeps the
/// id, whoever applies the other one later.</summary>
public sealed class ReplicaDedupTests(AzuriteRegionsFixture regions) : IClassFixture<AzuriteRegionsFixture>
{
    private const string Id = "order-7";

    [Fact]
    public async Task A_stranded_change_applied_into_the_promoted_region_after_its_id_was_published_there_again_adds_no_second_message()
    {
        await using var engine = await EngineHost.StartAsync(regions);
        var (queue, partition, stranded) = await PublishStrandedAsync(engine);
        var promoted = await PromoteAsync(engine);
        Assert.Equal(PublishStatus.Enqueued, (await engine.PublishAsync(queue, new PublishMessage { Body = "retry", MessageId = Id })).Results.Single().Status);

        // What a shipper of an instance that has not yet seen the promotion does with the old primary's outbox; twice.
        var intoPromoted = new TableReplicaStore(promoted, TimeProvider.System);
        await intoPromoted.ApplyAsync(partition, stranded.Changes, stranded.Bodies);
        await intoPromoted.ApplyAsync(partition, stranded.Changes, stranded.Bodies);

        Assert.Equal([Id], await new ReplicaRows(promoted).MessageIdsAsync(partition));
        var delivered = await engine.ReceiveAsync(queue, maxMessages: 10);
        Assert.Equal(["retry"], delivered.Select(m => m.Body));
        // Published again into the promoted region, it is still a duplicate there.
        Assert.Equal(PublishStatus.Duplicate, (await engine.PublishAsync(queue, new PublishMessage { Body = "again", MessageId = Id })).Results.Single().Status);
    }

    [Fact]
    public async Task The_demoted_region_takes_the_promoted_regions_copy_of_an_id_it_also_holds()
    {
        await using var engine = await EngineHost.StartAsync(regions);
        var (queue, partition, _) = await PublishStrandedAsync(engine);
        var demoted = engine.Get<EngineRegions>().Primary;
        var promoted = await PromoteAsync(engine);
        Assert.Equal(PublishStatus.Enqueued, (await engine.PublishAsync(queue, new PublishMessage { Body = "retry", MessageId = Id })).Results.Single().Status);

        // The new orientation ships the retry into the old primary, which still holds its own, unshipped copy.
        await engine.Get<RegionRoles>().SetFor(promoted.Name).Replicator.ShipAsync(partition);

        var retry = (await new ReplicaRows(promoted).IndexRowsAsync(partition)).Single().GetString("Seq");
        var rows = new ReplicaRows(demoted);
        Assert.Equal(retry, (await rows.RowAsync(partition, MessageRows.DedupKey(Id)))?.GetString("Seq"));
        Assert.NotNull(await rows.RowAsync(partition, TableReplicaStore.AnchorKey(retry)));
    }

    [Fact]
    public async Task A_messages_own_dedup_row_is_no_conflict_its_publish_applied_again_with_its_ack_leaves_it_gone()
    {
        await using var engine = await EngineHost.StartAsync(regions);
        var (queue, partition, published) = await PublishStrandedAsync(engine);
        var storage = engine.Get<EngineRegions>();
        var replica = new TableReplicaStore(storage.Secondary, TimeProvider.System);
        await replica.ApplyAsync(partition, published.Changes, published.Bodies);
        var received = (await engine.ReceiveAsync(queue)).Single();
        Assert.Equal(ReceiptStatus.Acked, await engine.AckAsync(queue, received.Receipt!));

        // The shipper's read of the publish was applied and its outbox rows not yet deleted: it reads them again with the ack.
        var both = await new TableOutbox(storage.Primary).ReadAsync(partition, 100);
        await replica.ApplyAsync(partition, both.Changes, both.Bodies);

        var rows = new ReplicaRows(storage.Secondary);
        Assert.Empty(await rows.MessageIdsAsync(partition));
        Assert.Equal(published.Changes.Single().GetString("Seq"), (await rows.RowAsync(partition, MessageRows.DedupKey(Id)))?.GetString("Seq"));
    }

    /// <summary>A message with <see cref="Id"/> confirmed by the primary of an async queue (whichever region an earlier
    /// test of the class left primary), and its change, still in that region's outbox.</summary>
    private static async Task<(string Queue, string Partition, OutboxBatch Stranded)> PublishStrandedAsync(EngineHost engine)
    {
        await engine.Get<RegionRoles>().RefreshAsync();
        var queue = EngineCalls.NewQueueName("retried");
        await engine.DeclareAsync(queue, new QueueArguments { Replication = ReplicationMode.Async });
        var partition = await ReplicaRows.PartitionKeyAsync(engine, queue);
        Assert.Equal(PublishStatus.Enqueued, (await engine.PublishAsync(queue, new PublishMessage { Body = "first try", MessageId = Id })).Results.Single().Status);
        var stranded = await new TableOutbox(engine.Get<EngineRegions>().Primary).ReadAsync(partition, 100);
        Assert.Single(stranded.Changes);
        return (queue, partition, stranded);
    }

    /// <summary>A forced failover as storage records it: both topology rows name the secondary, and the engine writes there.</summary>
    private static async Task<StorageRegion> PromoteAsync(EngineHost engine)
    {
        var roles = engine.Get<RegionRoles>();
        var before = await roles.RefreshAsync();
        var after = before with { Epoch = before.Epoch + 1, Primary = before.Secondary, Secondary = before.Primary };
        var regions = engine.Get<EngineRegions>();
        foreach (var region in regions.All) Assert.True(await new TableTopologyStore().WriteAsync(region, after));
        roles.Use(after);
        return regions.Named(after.Primary);
    }
}
