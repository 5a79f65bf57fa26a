using Serverless.Messages;
using Serverless.Queues;
using Serverless.Testing;

namespace Serverless.IntegrationTests.Storage;

/// <summary>DESIGN.md invariant 1: a publish is one transaction per batch of messages per shard. Counted, not timed.</summary>
public sealed class PublishCostTests(AzuriteRegionsFixture regions) : IClassFixture<AzuriteRegionsFixture>
{
    [Fact]
    public async Task Publishing_100_messages_costs_two_transactions_without_client_ids_and_three_with_their_dedup_rows()
    {
        var counter = new CountingPolicy();
        await using var engine = await EngineHost.StartAsync(regions, [new("Engine:DefinitionCacheTtl", "00:01:00")], counter);
        await engine.Get<QueueService>().DeclareAsync("default", "costs", QueueArguments.None);
        var publisher = engine.Get<Publisher>();
        await publisher.PublishToQueueAsync("default", "costs", [new PublishMessage { Body = "warm-up" }]);

        counter.Reset();
        var anonymous = await publisher.PublishToQueueAsync("default", "costs", [.. Enumerable.Range(0, 100).Select(i => new PublishMessage { Body = $"m{i}" })]);
        var withoutIds = counter.Count;
        counter.Reset();
        var identified = await publisher.PublishToQueueAsync("default", "costs", [.. Enumerable.Range(0, 100).Select(i => new PublishMessage { Body = $"m{i}", MessageId = $"id-{i}" })]);
        var withIds = counter.Count;

        Assert.All(anonymous.Results.Concat(identified.Results), r => Assert.Equal(PublishStatus.Enqueued, r.Status));
        Assert.Equal(2, withoutIds); // one row per small message, and the shard's head check: 99 messages per transaction
        Assert.Equal(3, withIds); // + dedup row: 49 per transaction
        var again = await publisher.PublishToQueueAsync("default", "costs", [new PublishMessage { Body = "m0", MessageId = "id-0" }]);
        Assert.Equal(PublishStatus.Duplicate, again.Results.Single().Status);
    }
}
