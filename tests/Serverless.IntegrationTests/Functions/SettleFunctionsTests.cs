using System.Net;
using Serverless.Testing;
using static Serverless.IntegrationTests.Functions.ApiClient;

namespace Serverless.IntegrationTests.Functions;

/// <summary>AckMessages, NackMessages, ExtendLeases (API.md, Receive, ack, nack, extend).</summary>
[Collection(ServiceCollection.Name)]
public sealed class SettleFunctionsTests(ServiceFixture fixture)
{
    private readonly HttpClient client = fixture.Client;

    [Fact]
    public async Task Ack_deletes_the_message_and_a_second_ack_is_stale()
    {
        var name = await client.DeclareQueueAsync();
        await client.PublishTextAsync(name, "work");
        var receipt = (await client.ReceiveOneAsync(name)).Str("receipt");

        var first = await client.AckAsync(name, receipt);
        var second = await client.AckAsync(name, receipt);

        Assert.Equal(receipt, first[0].Str("receipt"));
        Assert.Equal("acked", first[0].Str("status"));
        Assert.Equal(receipt, second[0].Str("receipt"));
        Assert.Equal("stale", second[0].Str("status"));
        Assert.Equal((0L, 0L, 0L, 0L), await client.CountsAsync(name));
    }

    [Fact]
    public async Task Ack_of_several_receipts_answers_one_result_each_in_order()
    {
        var name = await client.DeclareQueueAsync();
        await client.PublishBatchAsync(name, new { body = "1" }, new { body = "2" }, new { body = "3" });
        var receipts = (await client.ReceiveAsync(name, maxMessages: 3)).Select(m => m.Str("receipt")).ToArray();
        await client.AckAsync(name, receipts[1]);

        var results = await client.AckAsync(name, receipts);

        Assert.Equal(receipts, results.Select(r => r.Str("receipt")).ToArray());
        Assert.Equal(["acked", "stale", "acked"], results.Select(r => r.Str("status")).ToArray());
        Assert.Equal((0L, 0L, 0L, 0L), await client.CountsAsync(name));
    }

    [Fact]
    public async Task Ack_with_stale_receipt_deletes_nothing()
    {
        var name = await client.DeclareQueueAsync(new { visibilityTimeoutSeconds = 1 });
        await client.PublishTextAsync(name, "slow consumer");
        var first = await client.ReceiveOneAsync(name);
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        // The lease ran out: the message is delivered again, with a new receipt.
        var second = await client.ReceiveOneAsync(name, waitSeconds: 5, visibilityTimeoutSeconds: 60);
        Assert.Equal(first.Str("messageId"), second.Str("messageId"));
        Assert.True(second.GetProperty("redelivered").GetBoolean());
        Assert.Equal(2, second.GetProperty("deliveryCount").GetInt32());
        Assert.NotEqual(first.Str("receipt"), second.Str("receipt"));

        var stale = await client.AckAsync(name, first.Str("receipt"));

        Assert.Equal("stale", stale[0].Str("status"));
        Assert.Equal((0L, 1L, 0L, 1L), await client.CountsAsync(name));
        Assert.Equal("acked", (await client.AckAsync(name, second.Str("receipt")))[0].Str("status"));
        Assert.Equal((0L, 0L, 0L, 0L), await client.CountsAsync(name));
    }

    [Fact]
    public async Task Ack_after_the_lease_expired_still_settles_when_nobody_re_leased()
    {
        var name = await client.DeclareQueueAsync(new { visibilityTimeoutSeconds = 1 });
        await client.PublishTextAsync(name, "late ack");
        var receipt = (await client.ReceiveOneAsync(name)).Str("receipt");
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        var results = await client.AckAsync(name, receipt);

        Assert.Equal("acked", results[0].Str("status"));
        Assert.Empty(await client.ReceiveAsync(name));
        Assert.Equal((0L, 0L, 0L, 0L), await client.CountsAsync(name));
    }

    [Fact]
    public async Task Nack_with_requeue_delivers_again_as_redelivered()
    {
        var name = await client.DeclareQueueAsync();
        await client.PublishTextAsync(name, "retry me", "nack-1");
        var first = await client.ReceiveOneAsync(name);

        var nack = await client.NackAsync(name, first.Str("receipt"));

        Assert.Equal(first.Str("receipt"), nack[0].Str("receipt"));
        Assert.Equal("requeued", nack[0].Str("status"));
        var again = await client.ReceiveOneAsync(name);
        Assert.Equal("nack-1", again.Str("messageId"));
        Assert.Equal("retry me", again.Str("body"));
        Assert.True(again.GetProperty("redelivered").GetBoolean());
        Assert.Equal(2, again.GetProperty("deliveryCount").GetInt32());
        Assert.NotEqual(first.Str("receipt"), again.Str("receipt"));
        Assert.Equal("stale", (await client.AckAsync(name, first.Str("receipt")))[0].Str("status"));
    }

    [Fact]
    public async Task Nack_requeue_keeps_the_message_at_the_head_of_the_queue()
    {
        var name = await client.DeclareQueueAsync();
        await client.PublishBatchAsync(name, new { body = "first" }, new { body = "second" });
        var first = await client.ReceiveOneAsync(name);

        await client.NackAsync(name, first.Str("receipt"));

        Assert.Equal(["first", "second"], (await client.ReceiveAsync(name, maxMessages: 10)).Bodies());
    }

    [Fact]
    public async Task Nack_with_delay_hides_the_message_until_the_delay_passed()
    {
        var name = await client.DeclareQueueAsync();
        await client.PublishTextAsync(name, "back off");
        var first = await client.ReceiveOneAsync(name);

        var nack = await client.NackAsync(name, first.Str("receipt"), delaySeconds: 2);

        Assert.Equal("requeued", nack[0].Str("status"));
        Assert.Empty(await client.ReceiveAsync(name));
        Assert.Equal((0L, 0L, 1L, 1L), await client.CountsAsync(name));
        await Task.Delay(TimeSpan.FromSeconds(2.2));
        var again = await client.ReceiveOneAsync(name, waitSeconds: 5);
        Assert.Equal("back off", again.Str("body"));
        Assert.True(again.GetProperty("redelivered").GetBoolean());
    }

    [Fact]
    public async Task Nack_without_requeue_drops_the_message()
    {
        var name = await client.DeclareQueueAsync();
        await client.PublishTextAsync(name, "poison");
        var receipt = (await client.ReceiveOneAsync(name)).Str("receipt");

        var nack = await client.NackAsync(name, receipt, requeue: false);

        Assert.Equal("dropped", nack[0].Str("status"));
        Assert.Equal((0L, 0L, 0L, 0L), await client.CountsAsync(name));
        Assert.Empty(await client.ReceiveAsync(name));
    }

    [Fact]
    public async Task Nack_of_a_settled_receipt_is_stale()
    {
        var name = await client.DeclareQueueAsync();
        await client.PublishTextAsync(name, "done");
        var receipt = (await client.ReceiveOneAsync(name)).Str("receipt");
        await client.AckAsync(name, receipt);

        Assert.Equal("stale", (await client.NackAsync(name, receipt))[0].Str("status"));
        Assert.Equal((0L, 0L, 0L, 0L), await client.CountsAsync(name));
    }

    [Fact]
    public async Task Extend_moves_visibleUntil_later_and_the_receipt_still_acks()
    {
        var name = await client.DeclareQueueAsync();
        await client.PublishTextAsync(name, "long job");
        var message = await client.ReceiveOneAsync(name, visibilityTimeoutSeconds: 5);
        var receipt = message.Str("receipt");

        var extended = await client.ExtendAsync(name, receipt, visibilityTimeoutSeconds: 120);

        Assert.Equal(receipt, extended[0].Str("receipt"));
        Assert.Equal("extended", extended[0].Str("status"));
        Assert.True(extended[0].Time("visibleUntil") > message.Time("visibleUntil").AddSeconds(60),
            $"{extended[0].Str("visibleUntil")} should be well after {message.Str("visibleUntil")}");
        Assert.Equal("acked", (await client.AckAsync(name, receipt))[0].Str("status"));
        Assert.Equal((0L, 0L, 0L, 0L), await client.CountsAsync(name));
    }

    [Fact]
    public async Task Extended_lease_outlives_its_original_visibility_timeout()
    {
        var name = await client.DeclareQueueAsync();
        await client.PublishTextAsync(name, "kept");
        var receipt = (await client.ReceiveOneAsync(name, visibilityTimeoutSeconds: 1)).Str("receipt");

        await client.ExtendAsync(name, receipt, visibilityTimeoutSeconds: 60);
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        Assert.Empty(await client.ReceiveAsync(name));
        Assert.Equal((0L, 1L, 0L, 1L), await client.CountsAsync(name));
        Assert.Equal("acked", (await client.AckAsync(name, receipt))[0].Str("status"));
    }

    [Fact]
    public async Task Extend_of_a_settled_receipt_is_stale()
    {
        var name = await client.DeclareQueueAsync();
        await client.PublishTextAsync(name, "done");
        var receipt = (await client.ReceiveOneAsync(name)).Str("receipt");
        await client.AckAsync(name, receipt);

        var extended = await client.ExtendAsync(name, receipt, visibilityTimeoutSeconds: 30);

        Assert.Equal("stale", extended[0].Str("status"));
        Assert.Equal((0L, 0L, 0L, 0L), await client.CountsAsync(name));
    }

    [Fact]
    public async Task Unacked_message_reappears_after_its_visibility_timeout()
    {
        var name = await client.DeclareQueueAsync(new { visibilityTimeoutSeconds = 1 });
        await client.PublishTextAsync(name, "again");
        var first = await client.ReceiveOneAsync(name);

        var second = await client.ReceiveOneAsync(name, waitSeconds: 5);

        Assert.Equal(first.Str("messageId"), second.Str("messageId"));
        Assert.True(second.GetProperty("redelivered").GetBoolean());
        Assert.NotEqual(first.Str("receipt"), second.Str("receipt"));
        Assert.True(second.Time("visibleUntil") > first.Time("visibleUntil"));
    }

    [Fact]
    public async Task Delivery_limit_removes_the_message_after_that_many_deliveries()
    {
        var name = await client.DeclareQueueAsync(new { deliveryLimit = 2 });
        await client.PublishTextAsync(name, "poison");

        var first = await client.ReceiveOneAsync(name);
        Assert.Equal(1, first.GetProperty("deliveryCount").GetInt32());
        await client.NackAsync(name, first.Str("receipt"));
        var second = await client.ReceiveOneAsync(name);
        Assert.Equal(2, second.GetProperty("deliveryCount").GetInt32());
        var nack = await client.NackAsync(name, second.Str("receipt"));

        Assert.NotEqual("stale", nack[0].Str("status"));
        Assert.Empty(await client.ReceiveAsync(name, maxMessages: 10));
        Assert.Equal((0L, 0L, 0L, 0L), await client.CountsAsync(name));
    }

    [Fact]
    public async Task Delivery_limit_counts_expired_leases_too()
    {
        var name = await client.DeclareQueueAsync(new { deliveryLimit = 2, visibilityTimeoutSeconds = 1 });
        await client.PublishTextAsync(name, "crashing consumer");

        await client.ReceiveOneAsync(name);
        var second = await client.ReceiveOneAsync(name, waitSeconds: 5);
        Assert.Equal(2, second.GetProperty("deliveryCount").GetInt32());
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        Assert.Empty(await client.ReceiveAsync(name, maxMessages: 10, waitSeconds: 1));
        Assert.Equal((0L, 0L, 0L, 0L), await client.CountsAsync(name));
    }

    [Fact]
    public async Task Receipt_of_another_queue_is_stale_and_changes_nothing()
    {
        var source = await client.DeclareQueueAsync();
        var other = await client.DeclareQueueAsync();
        await client.PublishTextAsync(source, "mine");
        await client.PublishTextAsync(other, "theirs");
        var receipt = (await client.ReceiveOneAsync(source)).Str("receipt");
        await client.ReceiveOneAsync(other);

        var results = await client.AckAsync(other, receipt);

        Assert.Equal("stale", results[0].Str("status"));
        Assert.Equal((0L, 1L, 0L, 1L), await client.CountsAsync(source));
        Assert.Equal((0L, 1L, 0L, 1L), await client.CountsAsync(other));
    }
}
