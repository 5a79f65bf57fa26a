using Serverless.Messages;
using Serverless.Testing;

namespace Serverless.IntegrationTests.Messages;

/// <summary>Issue 8, item 24: receive with <c>ackMode: auto</c> (RabbitMQ's autoAck, Service Bus's ReceiveAndDelete):
/// at most once, the messages leave the queue as they are returned, in one query and one transaction.</summary>
public sealed class AutoAckTests(AzuriteRegionsFixture regions) : IClassFixture<AzuriteRegionsFixture>
{
    [Fact]
    public async Task Auto_ack_receive_removes_what_it_returns_without_receipts_in_one_query_and_one_transaction()
    {
        var counter = new CountingPolicy();
        await using var engine = await EngineHost.StartAsync(regions, EngineCalls.LongCache, counter);
        var queue = EngineCalls.NewQueueName("auto-ack");
        await engine.DeclareAsync(queue);
        await engine.PublishBodiesAsync(queue, 5);
        await engine.ReceiveAsync(EngineCalls.NewQueueName("warm"), 1).ContinueWith(_ => { }); // (no such queue: just warms the clients)

        await engine.Get<Serverless.Replication.ReplicationState>().GetAsync(); // fresh in its 2 s cache: not read while counted
        counter.Reset();
        var taken = await engine.ReceiveAsync(queue, maxMessages: 3, ackMode: AckMode.Auto);

        // The ready query and the transaction that removes them; the queue is sync, so one more transaction writes their
        // tombstones to the secondary before the answer (no read there: the tombstones name the rows to delete).
        Assert.Equal(3, counter.Count);
        Assert.Equal(["m0", "m1", "m2"], taken.Select(m => m.Body).ToList());
        Assert.All(taken, m => Assert.Null(m.Receipt));
        Assert.All(taken, m => Assert.Null(m.VisibleUntil));
        Assert.All(taken, m => Assert.Equal(1, m.DeliveryCount));
        Assert.Equal(2, (await engine.CountsAsync(queue)).Total);
    }

    [Fact]
    public async Task Auto_ack_receive_returns_a_large_message_read_before_its_rows_go()
    {
        await using var engine = await EngineHost.StartAsync(regions);
        var queue = EngineCalls.NewQueueName("auto-ack-large");
        await engine.DeclareAsync(queue);
        var large = new string('L', 100 * 1024);
        await engine.PublishAsync(queue, new PublishMessage { Body = large });

        var taken = Assert.Single(await engine.ReceiveAsync(queue, ackMode: AckMode.Auto));

        Assert.Equal(large, taken.Body);
        Assert.Equal(0, (await engine.CountsAsync(queue)).Total);
        Assert.Empty(await engine.ReceiveAsync(queue));
    }
}
