using Microsoft.Extensions.Time.Testing;
using Serverless.Messages;
using Serverless.Queues;
using Serverless.Testing;

namespace Serverless.IntegrationTests.Messages;

/// <summary>A receipt is current until somebody else leases the message: ack, nack and extend all honour it after its
/// lease ended, whether or not a sweep put the message back to ready meanwhile; receipts that meet (two of one message,
/// an extend racing a nack) give the documented outcome.</summary>
public sealed class SettlementEdgeTests(AzuriteRegionsFixture regions) : IClassFixture<AzuriteRegionsFixture>
{
    // Issue 8, item 9: a nack-requeue of an ended, swept, un-re-leased lease answered stale where an ack answered acked.
    [Fact]
    public async Task Nack_of_an_ended_lease_swept_back_to_ready_requeues_as_an_ack_would_ack()
    {
        var (engine, clock, queue) = await StartWithOneMessageAsync("late-nack");
        await using var _ = engine;
        var lease = Assert.Single(await engine.ReceiveAsync(queue, visibilitySeconds: 1));
        clock.Advance(TimeSpan.FromSeconds(2));
        await engine.Get<DueMessageReleaser>().ReleaseAllAsync();

        Assert.Equal(ReceiptStatus.Requeued, await engine.NackAsync(queue, lease.Receipt!, delaySeconds: 30));

        var counts = await engine.CountsAsync(queue);
        Assert.Equal((0, 0, 1), (counts.Ready, counts.InFlight, counts.Delayed));
        Assert.Equal(ReceiptStatus.Stale, await engine.AckAsync(queue, lease.Receipt!)); // requeued: the receipt is spent
    }

    [Fact]
    public async Task Extend_of_an_ended_lease_swept_back_to_ready_leases_it_again_under_the_same_receipt()
    {
        var (engine, clock, queue) = await StartWithOneMessageAsync("late-extend");
        await using var _ = engine;
        var lease = Assert.Single(await engine.ReceiveAsync(queue, visibilitySeconds: 1));
        clock.Advance(TimeSpan.FromSeconds(2));
        await engine.Get<DueMessageReleaser>().ReleaseAllAsync();

        var extended = await engine.ExtendAsync(queue, lease.Receipt!, visibilitySeconds: 60);

        Assert.Equal(ReceiptStatus.Extended, extended.Status);
        Assert.Equal(clock.GetUtcNow().AddSeconds(60), extended.VisibleUntil);
        Assert.Empty(await engine.ReceiveAsync(queue));
        Assert.Equal(ReceiptStatus.Acked, await engine.AckAsync(queue, lease.Receipt!));
        Assert.Equal(0, (await engine.CountsAsync(queue)).Total);
    }

    [Fact]
    public async Task An_extended_lease_is_acked_by_its_first_receipt_and_released_at_its_new_end()
    {
        var (engine, clock, queue) = await StartWithOneMessageAsync("extended");
        await using var _ = engine;
        var lease = Assert.Single(await engine.ReceiveAsync(queue, visibilitySeconds: 10));
        Assert.Equal(ReceiptStatus.Extended, (await engine.ExtendAsync(queue, lease.Receipt!, 30)).Status);
        Assert.Equal(ReceiptStatus.Extended, (await engine.ExtendAsync(queue, lease.Receipt!, 60)).Status);

        clock.Advance(TimeSpan.FromSeconds(40));
        Assert.Empty(await engine.ReceiveAsync(queue)); // still leased: its end moved
        clock.Advance(TimeSpan.FromSeconds(30));
        var again = Assert.Single(await engine.ReceiveAsync(queue));
        Assert.True(again.Redelivered);

        Assert.Equal(ReceiptStatus.Stale, await engine.AckAsync(queue, lease.Receipt!));
        Assert.Equal(ReceiptStatus.Acked, await engine.AckAsync(queue, again.Receipt!));
    }

    // Issue 8, item 9: a concurrent extend and nack of one receipt could leave the nack stale and the message in flight.
    [Fact]
    public async Task Extend_racing_nack_always_ends_with_the_message_requeued()
    {
        await using var engine = await EngineHost.StartAsync(regions);
        var queue = EngineCalls.NewQueueName("extend-vs-nack");
        await engine.DeclareAsync(queue);
        for (var round = 0; round < 10; round++)
        {
            await engine.PublishBodiesAsync(queue, 1);
            var lease = Assert.Single(await engine.ReceiveAsync(queue, visibilitySeconds: 60));
            var extend = Task.Run(() => engine.ExtendAsync(queue, lease.Receipt!, 120));
            var nack = Task.Run(() => engine.NackAsync(queue, lease.Receipt!));

            Assert.Equal(ReceiptStatus.Requeued, await nack);
            Assert.Contains((await extend).Status, new[] { ReceiptStatus.Extended, ReceiptStatus.Stale });
            var counts = await engine.CountsAsync(queue);
            Assert.Equal((1, 0), (counts.Ready, counts.InFlight));
            var next = Assert.Single(await engine.ReceiveAsync(queue));
            Assert.Equal(ReceiptStatus.Acked, await engine.AckAsync(queue, next.Receipt!));
        }
    }

    // Issue 8, item 9: two receipts of one message in one ack request put two operations on one entity in one
    // transaction (Azure refuses that; the tests' guard refuses it as Azure does).
    [Fact]
    public async Task Two_receipts_of_one_message_in_one_ack_settle_the_current_one_and_call_the_other_stale()
    {
        var (engine, clock, queue) = await StartWithOneMessageAsync("two-receipts", bodySize: 6000);
        await using var _ = engine;
        var first = Assert.Single(await engine.ReceiveAsync(queue, visibilitySeconds: 1));
        clock.Advance(TimeSpan.FromSeconds(2));
        var second = Assert.Single(await engine.ReceiveAsync(queue, visibilitySeconds: 60));

        var results = await engine.Get<Settlement>().AckAsync(EngineCalls.Vhost, queue, new AckRequest { Receipts = [first.Receipt!, second.Receipt!] });

        Assert.Equal([ReceiptStatus.Stale, ReceiptStatus.Acked], results.Results.Select(r => r.Status).ToList());
        Assert.Equal(0, (await engine.CountsAsync(queue)).Total);
    }

    // Issue 8, item 10: redrive listed only ready rows, so a dead letter received and never acked stayed put until a timer ran.
    [Fact]
    public async Task Redrive_moves_a_dead_letter_whose_lease_ended_without_waiting_for_a_timer()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var engine = await EngineHost.StartAsync(regions, clock);
        var dead = EngineCalls.NewQueueName("redrive-dlq");
        var source = EngineCalls.NewQueueName("redrive-source");
        await engine.DeclareAsync(dead);
        await engine.DeclareAsync(source, new QueueArguments { DeadLetterExchange = "", DeadLetterRoutingKey = dead });
        await engine.PublishBodiesAsync(source, 1);
        var original = Assert.Single(await engine.ReceiveAsync(source));
        Assert.Equal(ReceiptStatus.DeadLettered, await engine.NackAsync(source, original.Receipt!, requeue: false));
        Assert.Single(await engine.ReceiveAsync(dead, visibilitySeconds: 1)); // looked at, never acked
        clock.Advance(TimeSpan.FromSeconds(2));

        var redriven = await engine.Get<Redriver>().RedriveAsync(EngineCalls.Vhost, dead, new RedriveRequest());

        Assert.Equal(1, redriven.Moved);
        Assert.Equal(1, (await engine.CountsAsync(source)).Ready);
        Assert.Equal(0, (await engine.CountsAsync(dead)).Total);
    }

    private async Task<(EngineHost Engine, FakeTimeProvider Clock, string Queue)> StartWithOneMessageAsync(string prefix, int bodySize = 10)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var engine = await EngineHost.StartAsync(regions, clock);
        var queue = EngineCalls.NewQueueName(prefix);
        await engine.DeclareAsync(queue);
        await engine.PublishAsync(queue, new PublishMessage { Body = new string('x', bodySize) });
        return (engine, clock, queue);
    }
}
