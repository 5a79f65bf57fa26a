using Azure.Data.Tables;
using Microsoft.Extensions.Time.Testing;
using Serverless.Errors;
using Serverless.IntegrationTests.Messages;
using Serverless.Messages;
using Serverless.Queues;
using Serverless.Storage;
using Serverless.Testing;

namespace Serverless.IntegrationTests.Queues;

/// <summary>Issue 8, item 11: a queue delete is atomic against publishes (its shards are fenced first), what it
/// deleted never comes back in a queue declared again with the same name (each declare is a new incarnation), and a
/// delete interrupted half-way is finished or rolled back, never left half done.</summary>
public sealed class QueueDeleteTests(AzuriteRegionsFixture regions) : IClassFixture<AzuriteRegionsFixture>
{
    [Fact]
    public async Task A_queue_declared_again_holds_none_of_the_deleted_queues_messages_or_dedup_ids()
    {
        await using var engine = await EngineHost.StartAsync(regions);
        var queue = EngineCalls.NewQueueName("reincarnated");
        await engine.DeclareAsync(queue);
        await engine.PublishAsync(queue, new PublishMessage { Body = "old", MessageId = "same" });
        await engine.PublishBodiesAsync(queue, 3);
        await engine.Get<QueueService>().DeleteAsync(EngineCalls.Vhost, queue, ifEmpty: false, ifUnused: false);

        await engine.DeclareAsync(queue);
        var again = await engine.PublishAsync(queue, new PublishMessage { Body = "new", MessageId = "same" });

        Assert.Equal(PublishStatus.Enqueued, again.Results.Single().Status);
        Assert.Equal(["new"], (await engine.ReceiveAsync(queue, maxMessages: 10)).Select(m => m.Body).ToList());
    }

    [Fact]
    public async Task An_instance_with_a_cached_definition_cannot_publish_into_a_deleted_queue()
    {
        await using var cached = await EngineHost.StartAsync(regions, EngineCalls.LongCache);
        await using var other = await EngineHost.StartAsync(regions);
        var queue = EngineCalls.NewQueueName("stale-publisher");
        await other.DeclareAsync(queue);
        await cached.PublishBodiesAsync(queue, 1); // the definition is now cached for a minute

        await other.Get<QueueService>().DeleteAsync(EngineCalls.Vhost, queue, ifEmpty: false, ifUnused: false);

        await Assert.ThrowsAsync<NotFoundException>(() => cached.PublishBodiesAsync(queue, 1));
        Assert.Null(await other.Get<IMetadataStore>().GetQueueAsync(EngineCalls.Vhost, queue));
    }

    [Fact]
    public async Task An_instance_with_the_deleted_incarnation_cached_publishes_into_the_queue_declared_again()
    {
        await using var cached = await EngineHost.StartAsync(regions, EngineCalls.LongCache);
        await using var other = await EngineHost.StartAsync(regions);
        var queue = EngineCalls.NewQueueName("stale-incarnation");
        await other.DeclareAsync(queue);
        await cached.PublishAsync(queue, new PublishMessage { Body = "into the old one" }); // cached for a minute

        await other.Get<QueueService>().DeleteAsync(EngineCalls.Vhost, queue, ifEmpty: false, ifUnused: false);
        await other.DeclareAsync(queue);
        var published = await cached.PublishAsync(queue, new PublishMessage { Body = "into the new one" });

        Assert.Equal(PublishStatus.Enqueued, published.Results.Single().Status);
        Assert.Equal(["into the new one"], (await other.ReceiveAsync(queue, maxMessages: 10)).Select(m => m.Body).ToList());
    }

    [Fact]
    public async Task A_delete_if_empty_racing_publishes_never_loses_a_confirmed_message()
    {
        await using var deleter = await EngineHost.StartAsync(regions);
        await using var publisher = await EngineHost.StartAsync(regions, EngineCalls.LongCache);
        for (var round = 0; round < 8; round++)
        {
            var queue = EngineCalls.NewQueueName("if-empty-race");
            await deleter.DeclareAsync(queue);
            await publisher.PublishBodiesAsync(queue, 0); // caches the definition
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var publishes = Enumerable.Range(0, 4).Select(i => Task.Run(async () =>
            {
                await start.Task;
                try
                {
                    return (await publisher.PublishAsync(queue, new PublishMessage { Body = $"r{round}-{i}", MessageId = $"r{round}-{i}" })).Results.Single().Status;
                }
                catch (Exception e) when (e is NotFoundException or UnavailableException)
                {
                    return (PublishStatus?)null;
                }
            })).ToList();
            var delete = Task.Run(async () =>
            {
                await start.Task;
                try
                {
                    await deleter.Get<QueueService>().DeleteAsync(EngineCalls.Vhost, queue, ifEmpty: true, ifUnused: false);
                    return true;
                }
                catch (ConflictException)
                {
                    return false;
                }
            });
            start.SetResult();
            var statuses = await Task.WhenAll(publishes);
            var deleted = await delete;

            var confirmed = statuses.Count(s => s == PublishStatus.Enqueued);
            if (deleted)
            {
                Assert.Equal(0, confirmed); // the queue was empty when deleted: nothing was confirmed into it
            }
            else
            {
                Assert.Equal(confirmed, (await deleter.CountsAsync(queue)).Total);
            }
        }
    }

    [Fact]
    public async Task An_interrupted_conditional_delete_is_rolled_back_and_an_unconditional_one_finished()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var engine = await EngineHost.StartAsync(regions, clock);
        var metadata = engine.Get<IMetadataStore>();
        var store = engine.Get<IMessageStore>();
        var kept = EngineCalls.NewQueueName("interrupted-if-empty");
        var gone = EngineCalls.NewQueueName("interrupted-delete");
        foreach (var (queue, ifEmpty) in new[] { (kept, true), (gone, false) })
        {
            await engine.DeclareAsync(queue);
            await engine.PublishBodiesAsync(queue, 2);
            // A delete that fenced the shards and stopped there (the process died).
            var record = (await metadata.GetQueueAsync(EngineCalls.Vhost, queue))!;
            await metadata.SetQueueDeletingAsync(record, new QueueDeleteState(clock.GetUtcNow(), ifEmpty, IfUnused: false, Heads: null));
            var definition = QueueDefinition.From(record, await engine.Get<Serverless.Routing.VhostCatalogs>().GetAsync(EngineCalls.Vhost));
            foreach (var partition in definition.Partitions) await store.FencePartitionAsync(partition);
        }
        clock.Advance(QueueService.InterruptedDeleteAge + TimeSpan.FromSeconds(1));

        var collected = await engine.Get<QueueService>().CollectAsync(maxRows: 1000);

        Assert.True(collected.DeletesResolved >= 2);
        Assert.Null(await metadata.GetQueueAsync(EngineCalls.Vhost, gone));
        Assert.Null((await metadata.GetQueueAsync(EngineCalls.Vhost, kept))!.Deleting);
        Assert.Equal(PublishStatus.Enqueued, (await engine.PublishBodiesAsync(kept, 1)).Results.Single().Status);
        Assert.Equal(3, (await engine.CountsAsync(kept)).Total);
    }

    [Fact]
    public async Task The_collector_deletes_every_row_of_a_deleted_incarnation_over_several_passes()
    {
        await using var engine = await EngineHost.StartAsync(regions);
        var queue = EngineCalls.NewQueueName("collected");
        await engine.DeclareAsync(queue, new QueueArguments { Shards = 2 });
        await Parallel.ForEachAsync(Enumerable.Range(0, 25), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (_, _) => await engine.PublishBodiesAsync(queue, 100));
        var incarnation = (await engine.Get<IMetadataStore>().GetQueueAsync(EngineCalls.Vhost, queue))!.Incarnation;

        await engine.Get<QueueService>().DeleteAsync(EngineCalls.Vhost, queue, ifEmpty: false, ifUnused: false);
        Assert.True(await RowsOfAsync(queue, incarnation) > 0, "a large queue is left to the collector");
        for (var pass = 0; pass < 10 && await RowsOfAsync(queue, incarnation) > 0; pass++)
        {
            await engine.Get<QueueService>().CollectAsync(maxRows: 1000);
        }

        Assert.Equal(0, await RowsOfAsync(queue, incarnation));
    }

    private async Task<int> RowsOfAsync(string queue, string incarnation)
    {
        var table = new TableClient(regions.Primary.ConnectionString, "Messages");
        var prefix = $"{EngineCalls.Vhost}|{queue}|{incarnation}|";
        var rows = 0;
        await foreach (var _ in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey ge {prefix} and PartitionKey lt {prefix + "~"}"), select: ["RowKey"])) rows++;
        return rows;
    }
}
