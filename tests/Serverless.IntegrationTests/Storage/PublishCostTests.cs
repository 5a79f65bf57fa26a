using Serverless.Messages;
using Serverless.Queues;
using Serverless.IntegrationTests.Messages;
using Serverless.Testing;

namespace Serverless.IntegrationTests.Storage;

/// <summary>DESIGN.md invariant 1: a publish is one transaction per batch of messages per shard. Counted, not timed.</summary>
public sealed class PublishCostTests(AzuriteRegionsFixture regions) : IClassFixture<AzuriteRegionsFixture>
{
    [Fact]
    public async Task Publishing_100_messages_to_a_sync_queue_costs_five_transactions_without_client_ids_and_eight_with_their_dedup_rows()
    {
        var counter = new CountingPolicy();
        await using var engine = await EngineHost.StartAsync(regions, EngineCalls.LongCache, counter);
        await engine.Get<QueueService>().DeclareAsync("default", "costs", QueueArguments.None);
        var publisher = engine.Get<Publisher>();
        await publisher.PublishToQueueAsync("default", "costs", [new PublishMessage { Body = "warm-up" }]);

        await engine.Get<Serverless.Replication.ReplicationState>().GetAsync(); // fresh in its 2 s cache: not read while counted
        counter.Reset();
        var anonymous = await publisher.PublishToQueueAsync("default", "costs", [.. Enumerable.Range(0, 100).Select(i => new PublishMessage { Body = $"m{i}" })]);
        var withoutIds = counter.Count;
        await engine.Get<Serverless.Replication.ReplicationState>().GetAsync(); // fresh in its 2 s cache: not read while counted
        counter.Reset();
        var identified = await publisher.PublishToQueueAsync("default", "costs", [.. Enumerable.Range(0, 100).Select(i => new PublishMessage { Body = $"m{i}", MessageId = $"id-{i}" })]);
        var withIds = counter.Count;

        Assert.All(anonymous.Results.Concat(identified.Results), r => Assert.Equal(PublishStatus.Enqueued, r.Status));
        // Primary: a small message's index row and its change row, and the shard's head check: 49 messages per transaction
        // (3 for 100); the secondary (the queue is sync): its anchor and index row, 50 per transaction (2).
        Assert.Equal(3 + 2, withoutIds);
        // + a dedup row each: 33 per transaction in both regions (4 + 4).
        Assert.Equal(4 + 4, withIds);
        var again = await publisher.PublishToQueueAsync("default", "costs", [new PublishMessage { Body = "m0", MessageId = "id-0" }]);
        Assert.Equal(PublishStatus.Duplicate, again.Results.Single().Status);
    }
}
