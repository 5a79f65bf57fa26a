using Serverless.Messages;
using Serverless.Queues;
using Serverless.IntegrationTests.Messages;
using Serverless.Testing;

namespace Serverless.IntegrationTests.Storage;

/// <summary>DESIGN.md invariant 2: a receive costs O(maxMessages) storage requests, whatever the depth
/// of the queue and however many messages are in flight or delayed. Counted, not timed.</summary>
public sealed class ReceiveCostTests(AzuriteRegionsFixture regions) : IClassFixture<AzuriteRegionsFixture>
{
    [Fact]
    public async Task Receive_costs_the_same_requests_at_100_and_at_20000_messages_with_5000_in_flight_and_delayed()
    {
        var counter = new CountingPolicy();
        // Definitions stay cached for the whole test, so the count is the receive path's alone.
        await using var engine = await EngineHost.StartAsync(regions, EngineCalls.LongCache, counter);
        var queues = engine.Get<QueueService>();
        var publisher = engine.Get<Publisher>();
        var receiver = engine.Get<Receiver>();

        await queues.DeclareAsync("default", "shallow", QueueArguments.None);
        await queues.DeclareAsync("default", "deep", QueueArguments.None);
        await PublishAsync(publisher, "shallow", 100, delaySeconds: null);
        await PublishAsync(publisher, "deep", 20_000, delaySeconds: null);
        await PublishAsync(publisher, "deep", 5_000, delaySeconds: 3600);
        for (var leased = 0; leased < 5_000; leased += 100)
        {
            var batch = await receiver.ReceiveAsync("default", "deep", new ReceiveRequest { MaxMessages = 100, VisibilityTimeoutSeconds = 3600 });
            Assert.True(batch.Messages.Count == 100, $"leased {batch.Messages.Count} at {leased}");
        }

        foreach (var maxMessages in new[] { 1, 10 })
        {
            var shallow = await CountReceiveAsync(receiver, counter, "shallow", maxMessages);
            var deep = await CountReceiveAsync(receiver, counter, "deep", maxMessages);
            Assert.Equal(shallow, deep);
            // One ready-index query and one lease transaction: small messages ride in their ready rows.
            Assert.Equal(2, deep);
        }
    }

    [Fact]
    public async Task Receive_reads_the_message_row_only_of_messages_too_large_to_ride_in_their_ready_row()
    {
        var counter = new CountingPolicy();
        await using var engine = await EngineHost.StartAsync(regions, EngineCalls.LongCache, counter);
        var queues = engine.Get<QueueService>();
        var publisher = engine.Get<Publisher>();
        var receiver = engine.Get<Receiver>();
        await queues.DeclareAsync("default", "mixed", QueueArguments.None);
        var small = new string('s', 100);
        var large = new string('L', 5 * 1024);
        var published = await publisher.PublishToQueueAsync("default", "mixed",
            [.. Enumerable.Range(0, 5).SelectMany(_ => new[] { new PublishMessage { Body = small }, new PublishMessage { Body = large } })]);
        Assert.All(published.Results, r => Assert.Equal(PublishStatus.Enqueued, r.Status));

        counter.Reset();
        var received = await receiver.ReceiveAsync("default", "mixed", new ReceiveRequest { MaxMessages = 10, VisibilityTimeoutSeconds = 3600 });

        Assert.Equal(10, received.Messages.Count);
        Assert.Equal(5, received.Messages.Count(m => m.Body == small));
        Assert.Equal(5, received.Messages.Count(m => m.Body == large));
        Assert.Equal(2 + 5, counter.Count); // query, lease transaction, one read per large message
    }

    private static async Task<long> CountReceiveAsync(Receiver receiver, CountingPolicy counter, string queue, int maxMessages)
    {
        await receiver.ReceiveAsync("default", queue, new ReceiveRequest { MaxMessages = 1, VisibilityTimeoutSeconds = 3600 });
        counter.Reset();
        var received = await receiver.ReceiveAsync("default", queue, new ReceiveRequest { MaxMessages = maxMessages, VisibilityTimeoutSeconds = 3600 });
        Assert.Equal(maxMessages, received.Messages.Count);
        return counter.Count;
    }

    private static async Task PublishAsync(Publisher publisher, string queue, int count, int? delaySeconds)
    {
        var batches = Enumerable.Range(0, count).Chunk(100).Select(chunk => chunk
            .Select(i => new PublishMessage { Body = new string('x', 200), DelaySeconds = delaySeconds })
            .ToList());
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (batch, ct) =>
        {
            var result = await publisher.PublishToQueueAsync("default", queue, batch, ct);
            Assert.All(result.Results, r => Assert.Equal(PublishStatus.Enqueued, r.Status));
        });
    }
}
