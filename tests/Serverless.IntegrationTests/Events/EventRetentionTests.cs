using Azure.Data.Tables;
using Serverless.Events;
using Serverless.Hosting;
using Serverless.Storage;
using Serverless.Storage.Events;
using Serverless.Testing;

namespace Serverless.IntegrationTests.Events;

/// <summary>The events table keeps the newest 1000 events, trimmed in bulk: a key-only query page per 1000 rows and a
/// transaction per 100 deleted, never a request per event.</summary>
public sealed class EventRetentionTests(AzuriteRegionsFixture regions) : IClassFixture<AzuriteRegionsFixture>
{
    [Fact]
    public async Task Publisher_keeps_the_newest_1000_of_1100_events_in_order()
    {
        await using var engine = await EngineHost.StartAsync(regions);
        var publisher = engine.Get<IEventPublisher>();
        var published = new List<DomainEvent>();
        for (var i = 0; i < 1100; i++)
        {
            var raised = DomainEvent.Create(EventTypes.FlowThrottled, $"/vhosts/default/queues/retention-{i}", new { i }, DateTimeOffset.UtcNow);
            published.Add(raised);
            await publisher.PublishAsync(raised);
        }

        await publisher.FlushAsync();

        var kept = await KeysAsync(engine.Get<EngineRegions>().Primary.Events);
        Assert.Equal(published.Skip(published.Count - EventPublisher.Retained).Select(e => e.Id), kept);
        var feed = await engine.Get<EventFeed>().ListAsync(new EventsRequest());
        Assert.Equal(kept, feed.Events.Select(e => e.Id));
    }

    [Theory]
    [InlineData(1100)]
    [InlineData(2550)]
    public async Task Trim_costs_a_key_page_per_1000_rows_and_a_transaction_per_100_deleted(int stored)
    {
        var counter = new CountingPolicy { EventsOnly = true };
        var engineRequests = new CountingPolicy();
        await using var engine = await EngineHost.StartAsync(regions, settings: null, counter, engineRequests);
        // A table of its own, on the engine's storage pipeline (counted, Azure's transaction rules enforced).
        var table = engine.Get<EngineRegions>().Primary.Tables.GetTableClient($"EventsTrim{stored}x{Guid.NewGuid():N}"[..32]);
        await table.CreateAsync();
        var store = new TableEventStore(table);
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        var events = Enumerable.Range(0, stored).Select(i => DomainEvent.Create(EventTypes.QueueCreated, $"/vhosts/default/queues/trim-{i}", new { i }, start.AddMilliseconds(i))).ToList();
        foreach (var chunk in events.Chunk(IEventStore.MaxAppend)) await store.AppendAsync(chunk);
        counter.Reset();
        engineRequests.Reset();

        var deleted = await store.TrimAsync(EventPublisher.Retained);

        var requests = counter.Count;
        var pages = (stored + 999) / 1000;
        var transactions = (stored - EventPublisher.Retained + 99) / 100;
        Assert.Equal(stored - EventPublisher.Retained, deleted);
        Assert.Equal(pages + transactions, requests);
        Assert.Equal(0, engineRequests.Count); // the engine's counts (and fault numbers) leave the events log out
        Assert.Equal(events.Skip(deleted).Select(e => e.Id), await KeysAsync(table));
        counter.Reset();
        Assert.Equal(0, await store.TrimAsync(EventPublisher.Retained));
        Assert.Equal(1, counter.Count); // nothing to delete: one page of keys
    }

    [Fact]
    public async Task Appending_a_batch_again_after_it_committed_is_harmless()
    {
        await using var engine = await EngineHost.StartAsync(regions);
        var table = engine.Get<EngineRegions>().Primary.Tables.GetTableClient($"EventsAgain{Guid.NewGuid():N}"[..32]);
        await table.CreateAsync();
        var store = new TableEventStore(table);
        var batch = Enumerable.Range(0, 3).Select(i => DomainEvent.Create(EventTypes.QueueDeleted, $"/vhosts/default/queues/again-{i}", new { i }, DateTimeOffset.UtcNow)).ToList();

        await store.AppendAsync(batch);
        await store.AppendAsync(batch); // as after an answer lost on the way back

        Assert.Equal(batch.Select(e => e.Id), await KeysAsync(table));
    }

    private static async Task<List<string>> KeysAsync(TableClient table)
    {
        var keys = new List<string>();
        await foreach (var row in table.QueryAsync<TableEntity>(select: ["RowKey"])) keys.Add(row.RowKey);
        return keys;
    }
}
