using Microsoft.Extensions.Time.Testing;
using Serverless.Errors;
using Serverless.Messages;
using Serverless.Queues;
using Serverless.Testing;

namespace Serverless.IntegrationTests.Messages;

/// <summary>Issue 8, item 22: a message dead-lettered back into the queue it died in without a rejection (TTL, maxlen)
/// is dropped, as RabbitMQ does, instead of looping every timer pass; a rejection in the cycle keeps it going (the retry
/// pattern). Item 23: queue names starting with <c>amq.</c> are reserved.</summary>
public sealed class DeadLetterCycleTests(AzuriteRegionsFixture regions) : IClassFixture<AzuriteRegionsFixture>
{
    [Fact]
    public async Task A_message_that_expires_into_its_own_queue_is_dropped_not_looped()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var engine = await EngineHost.StartAsync(regions, clock);
        var queue = EngineCalls.NewQueueName("self-expiry");
        await engine.DeclareAsync(queue, new QueueArguments { MessageTtlSeconds = 1, DeadLetterExchange = "", DeadLetterRoutingKey = queue });
        await engine.PublishBodiesAsync(queue, 1);

        clock.Advance(TimeSpan.FromSeconds(2));
        var first = await engine.Get<DueMessageReleaser>().ExpireAllAsync();

        Assert.Equal(1, first.Expired);
        Assert.Equal(0, (await engine.CountsAsync(queue)).Total);
    }

    [Fact]
    public async Task A_rejected_message_dead_lettered_into_its_own_queue_comes_back_with_its_death()
    {
        await using var engine = await EngineHost.StartAsync(regions);
        var queue = EngineCalls.NewQueueName("self-reject");
        await engine.DeclareAsync(queue, new QueueArguments { DeadLetterExchange = "", DeadLetterRoutingKey = queue });
        await engine.PublishBodiesAsync(queue, 1);

        for (var round = 1; round <= 2; round++)
        {
            var message = Assert.Single(await engine.ReceiveAsync(queue));
            Assert.Equal(ReceiptStatus.DeadLettered, await engine.NackAsync(queue, message.Receipt!, requeue: false));
        }
        var back = Assert.Single(await engine.ReceiveAsync(queue));

        var death = Assert.Single(back.Deaths);
        Assert.Equal((queue, Death.Rejected, 2L), (death.Queue, death.Reason, death.Count));
    }

    [Fact]
    public async Task Declaring_a_queue_named_amq_something_is_refused_naming_the_queue()
    {
        await using var engine = await EngineHost.StartAsync(regions);

        var refused = await Assert.ThrowsAsync<InvalidRequestException>(() => engine.DeclareAsync("amq.mine"));

        Assert.Contains("queue", refused.Errors.Keys);
    }
}
