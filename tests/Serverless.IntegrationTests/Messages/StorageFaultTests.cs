using Serverless.Messages;
using Serverless.Storage.Diagnostics;
using Serverless.Testing;

namespace Serverless.IntegrationTests.Messages;

/// <summary>What clients see when storage fails part-way (a batch stored in part) or commits and loses its answer
/// (the storage client resends a transaction the store already holds): never a silent loss, never a false stale.</summary>
public sealed class StorageFaultTests(AzuriteRegionsFixture regions) : IClassFixture<AzuriteRegionsFixture>
{
    // Issue 8, item 1: a batch spanning several transactions, whose second failed, answered a bare 503 though its first
    // had committed; a retry then stored those messages twice.
    [Fact]
    public async Task A_batch_stored_in_part_names_each_message_enqueued_or_failed_and_a_retry_of_the_failed_completes_it()
    {
        await using var engine = await EngineHost.StartAsync(regions);
        var queue = EngineCalls.NewQueueName("partial");
        await engine.DeclareAsync(queue);
        engine.Get<FaultInjectionPolicy>().ArmTransactionFaults(fail: [2]);

        var interrupted = await Assert.ThrowsAsync<PublishInterruptedException>(() => engine.PublishBodiesAsync(queue, 250));

        engine.Get<FaultInjectionPolicy>().Disarm();
        var results = interrupted.Response.Results;
        Assert.Equal(250, results.Count);
        Assert.All(results, r => Assert.False(string.IsNullOrEmpty(r.MessageId)));
        var enqueued = results.Where(r => r.Status == PublishStatus.Enqueued).ToList();
        var failed = results.Where(r => r.Status == PublishStatus.Failed).ToList();
        Assert.Equal(250, enqueued.Count + failed.Count);
        Assert.NotEmpty(enqueued);
        Assert.NotEmpty(failed);
        Assert.Equal(enqueued.Count, (await engine.CountsAsync(queue)).Total);

        var retried = await engine.PublishAsync(queue, [.. failed.Select(r => new PublishMessage { Body = "retry", MessageId = r.MessageId })]);
        Assert.All(retried.Results, r => Assert.Equal(PublishStatus.Enqueued, r.Status));
        Assert.Equal(250, (await engine.CountsAsync(queue)).Total);
    }

    // Issue 8, item 7: a transaction that committed and lost its answer was resent by the storage client, met its own
    // rows, and was taken for a lost race: a lease hid the message and burned a delivery, an ack answered stale.
    [Fact]
    public async Task A_lease_whose_answer_was_lost_after_it_committed_is_delivered()
    {
        await using var engine = await EngineHost.StartAsync(regions);
        var queue = EngineCalls.NewQueueName("lost-lease");
        await engine.DeclareAsync(queue);
        await engine.PublishBodiesAsync(queue, 1);
        engine.Get<FaultInjectionPolicy>().ArmTransactionFaults(timeoutAfterCommit: [1]);

        var received = Assert.Single(await engine.ReceiveAsync(queue));

        Assert.Equal(1, engine.Get<FaultInjectionPolicy>().FaultsInjected);
        Assert.Equal(1, received.DeliveryCount);
        Assert.Equal(ReceiptStatus.Acked, await engine.AckAsync(queue, received.Receipt!));
        Assert.Equal(0, (await engine.CountsAsync(queue)).Total);
    }

    [Theory]
    [InlineData("ack")]
    [InlineData("requeue")]
    [InlineData("reject")]
    public async Task A_settlement_whose_answer_was_lost_after_it_committed_is_reported_done_not_stale(string settlement)
    {
        await using var engine = await EngineHost.StartAsync(regions);
        var queue = EngineCalls.NewQueueName("lost-" + settlement);
        await engine.DeclareAsync(queue);
        await engine.PublishBodiesAsync(queue, 1);
        var lease = Assert.Single(await engine.ReceiveAsync(queue));
        engine.Get<FaultInjectionPolicy>().ArmTransactionFaults(timeoutAfterCommit: [1]);

        var status = settlement switch
        {
            "ack" => await engine.AckAsync(queue, lease.Receipt!),
            "requeue" => await engine.NackAsync(queue, lease.Receipt!),
            _ => await engine.NackAsync(queue, lease.Receipt!, requeue: false),
        };

        Assert.Equal(1, engine.Get<FaultInjectionPolicy>().FaultsInjected);
        Assert.Equal(settlement switch { "ack" => ReceiptStatus.Acked, "requeue" => ReceiptStatus.Requeued, _ => ReceiptStatus.Dropped }, status);
        Assert.Equal(settlement == "requeue" ? 1 : 0, (await engine.CountsAsync(queue)).Ready);
    }

    [Fact]
    public async Task A_publish_whose_answer_was_lost_after_it_committed_is_confirmed_and_stored_once()
    {
        await using var engine = await EngineHost.StartAsync(regions);
        var queue = EngineCalls.NewQueueName("lost-publish");
        await engine.DeclareAsync(queue);
        engine.Get<FaultInjectionPolicy>().ArmTransactionFaults(timeoutAfterCommit: [1]);

        var published = await engine.PublishBodiesAsync(queue, 3);

        Assert.Equal(1, engine.Get<FaultInjectionPolicy>().FaultsInjected);
        Assert.All(published.Results, r => Assert.Equal(PublishStatus.Enqueued, r.Status));
        Assert.Equal(3, (await engine.CountsAsync(queue)).Total);
    }
}
