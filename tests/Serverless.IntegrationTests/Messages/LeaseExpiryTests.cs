using Serverless.Testing;

namespace Serverless.IntegrationTests.Messages;

/// <summary>An unacked lease lapses: the message comes back with a new receipt, and only that receipt settles it.</summary>
[Collection(ServiceCollection.Name)]
public sealed class LeaseExpiryTests(ServiceFixture service)
{
    private readonly HttpClient _client = service.Client;

    [Fact]
    public async Task Lapsed_lease_redelivers_the_message_and_only_the_new_receipt_acks_it()
    {
        var queue = QueueApi.NewQueueName("lease-expiry");
        await _client.DeclareQueueAsync(queue);
        await _client.PublishAsync(queue, ["only"]);

        var first = Assert.Single(await _client.ReceiveAsync(queue, maxMessages: 1, visibilityTimeoutSeconds: 1));
        Assert.Equal(1, first.DeliveryCount);
        Assert.False(first.Redelivered);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var second = Assert.Single(await _client.ReceiveAsync(queue, maxMessages: 1, visibilityTimeoutSeconds: 60));

        Assert.Equal(first.MessageId, second.MessageId);
        Assert.True(second.Redelivered);
        Assert.Equal(2, second.DeliveryCount);
        Assert.NotEqual(first.Receipt, second.Receipt);

        Assert.Equal([(first.Receipt!, "stale")], await _client.AckAsync(queue, [first.Receipt!]));
        Assert.Equal(1, await _client.TotalAsync(queue));
        var stillLeased = Assert.Single(await _client.PeekAsync(queue, "inFlight"));
        Assert.Equal(first.MessageId, stillLeased.MessageId);
        Assert.Equal(2, stillLeased.DeliveryCount);

        Assert.Equal([(second.Receipt!, "acked")], await _client.AckAsync(queue, [second.Receipt!]));
        Assert.Equal(0, await _client.TotalAsync(queue));
    }
}
