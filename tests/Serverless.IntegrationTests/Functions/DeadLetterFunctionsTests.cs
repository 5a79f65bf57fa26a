using System.Net;
using System.Text.Json;
using Serverless.Testing;

namespace Serverless.IntegrationTests.Functions;

[Collection(ServiceCollection.Name)]
public sealed class DeadLetterFunctionsTests(ServiceFixture fixture)
{
    private readonly HttpClient client = fixture.Client;

    /// <summary>A work queue whose dead letters go through the default exchange to a fresh DLQ.</summary>
    private async Task<(string Work, string Dead)> DeclarePairAsync(object? extra = null)
    {
        var dead = await client.DeclareQueueAsync();
        var arguments = new Dictionary<string, object> { ["deadLetterExchange"] = "", ["deadLetterRoutingKey"] = dead };
        foreach (var property in JsonSerializer.SerializeToElement(extra ?? new { }).EnumerateObject()) arguments[property.Name] = property.Value;
        return (await client.DeclareQueueAsync(arguments), dead);
    }

    private static JsonElement Death(JsonElement message) => message.GetProperty("deaths")[0];

    [Fact]
    public async Task Nack_without_requeue_dead_letters_with_reason_rejected()
    {
        var (work, dead) = await DeclarePairAsync();
        await client.PublishTextAsync(work, "bad order", "m-1");
        var received = await client.ReceiveOneAsync(work);
        Assert.Equal("deadLettered", (await client.NackAsync(work, received.Str("receipt"), requeue: false))[0].Str("status"));

        var letter = await client.ReceiveOneAsync(dead);
        Assert.Equal("bad order", letter.Str("body"));
        Assert.Equal("m-1", letter.Str("messageId"));
        Assert.Equal(work, Death(letter).Str("queue"));
        Assert.Equal("rejected", Death(letter).Str("reason"));
        Assert.Equal(1, Death(letter).GetProperty("count").GetInt64());
        Assert.Equal(0, (await client.CountsAsync(work)).Total);
    }

    [Fact]
    public async Task Expired_message_is_dead_lettered_with_reason_expired_and_never_delivered()
    {
        var (work, dead) = await DeclarePairAsync();
        await client.PublishAsync(work, new { body = "stale", ttlSeconds = 1 });
        await Task.Delay(1500);
        Assert.Empty(await client.ReceiveAsync(work));
        var letter = await client.ReceiveOneAsync(dead, waitSeconds: 5);
        Assert.Equal("expired", Death(letter).Str("reason"));
    }

    [Fact]
    public async Task Expiry_timer_dead_letters_without_any_receive()
    {
        var (work, dead) = await DeclarePairAsync(new { messageTtlSeconds = 1 });
        await client.PublishTextAsync(work, "old");
        var letter = await client.ReceiveOneAsync(dead, waitSeconds: 15);
        Assert.Equal("expired", Death(letter).Str("reason"));
        Assert.Equal(0, (await client.CountsAsync(work)).Total);
    }

    [Fact]
    public async Task Message_past_its_delivery_limit_is_dead_lettered_with_reason_delivery_limit()
    {
        var (work, dead) = await DeclarePairAsync(new { deliveryLimit = 2 });
        await client.PublishTextAsync(work, "poison");
        for (var delivery = 1; delivery <= 2; delivery++)
        {
            var received = await client.ReceiveOneAsync(work);
            var status = (await client.NackAsync(work, received.Str("receipt")))[0].Str("status");
            Assert.Equal(delivery < 2 ? "requeued" : "deadLettered", status);
        }
        Assert.Equal("delivery_limit", Death(await client.ReceiveOneAsync(dead)).Str("reason"));
    }

    [Fact]
    public async Task Repeated_deaths_count_up_and_redrive_returns_messages_with_fresh_delivery_counts()
    {
        var (work, dead) = await DeclarePairAsync();
        await client.PublishTextAsync(work, "twice", "m-twice");
        await client.NackAsync(work, (await client.ReceiveOneAsync(work)).Str("receipt"), requeue: false);

        var redrive = await client.PostJsonAsync($"{ApiClient.QueuePath(dead)}/redrive", new { maxMessages = 10 }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(1, redrive.GetProperty("moved").GetInt64());
        Assert.Equal(0, (await client.CountsAsync(dead)).Total);

        var again = await client.ReceiveOneAsync(work);
        Assert.Equal(1, again.GetProperty("deliveryCount").GetInt32());
        Assert.False(again.GetProperty("redelivered").GetBoolean());
        await client.NackAsync(work, again.Str("receipt"), requeue: false);

        var letter = await client.ReceiveOneAsync(dead);
        Assert.Equal(2, Death(letter).GetProperty("count").GetInt64());
        var peeked = await client.PeekAsync(dead, "deadLettered");
        Assert.Empty(peeked); // leased by the receive above
    }

    [Fact]
    public async Task DropHead_overflow_dead_letters_the_oldest_with_reason_maxlen()
    {
        var (work, dead) = await DeclarePairAsync(new { maxLength = 2 });
        foreach (var body in new[] { "1", "2", "3" }) await client.PublishTextAsync(work, body);
        Assert.Equal(new[] { "2", "3" }, (await client.ReceiveAsync(work, maxMessages: 10)).Bodies());
        var letter = await client.ReceiveOneAsync(dead);
        Assert.Equal("1", letter.Str("body"));
        Assert.Equal("maxlen", Death(letter).Str("reason"));
    }

    [Fact]
    public async Task RejectPublish_overflow_rejects_what_does_not_fit_and_keeps_the_rest()
    {
        var queue = await client.DeclareQueueAsync(new { maxLength = 2, overflow = "rejectPublish" });
        var results = (await client.PostJsonAsync($"{ApiClient.QueuePath(queue)}/publish",
            new { messages = new[] { new { body = "1" }, new { body = "2" }, new { body = "3" } } }).ExpectAsync(HttpStatusCode.OK))
            .GetProperty("results").EnumerateArray().Select(r => r.Str("status")).ToArray();
        Assert.Equal(new[] { "enqueued", "enqueued", "rejected" }, results);
        Assert.Equal(2, (await client.CountsAsync(queue)).Total);
    }

    [Fact]
    public async Task RejectPublishDlx_overflow_dead_letters_the_refused_message()
    {
        var (work, dead) = await DeclarePairAsync(new { maxLengthBytes = 5, overflow = "rejectPublishDlx" });
        await client.PublishTextAsync(work, "12345");
        var refused = (await client.PostJsonAsync($"{ApiClient.QueuePath(work)}/publish", new { body = "6" }).ExpectAsync(HttpStatusCode.OK)).GetProperty("results")[0];
        Assert.Equal("rejected", refused.Str("status"));
        var letter = await client.ReceiveOneAsync(dead);
        Assert.Equal("6", letter.Str("body"));
        Assert.Equal("maxlen", Death(letter).Str("reason"));
        Assert.Equal(1, (await client.CountsAsync(work)).Total);
    }

    [Fact]
    public async Task Queue_unused_for_its_expiry_is_deleted()
    {
        var queue = await client.DeclareQueueAsync(new { expiresSeconds = 1 });
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        HttpStatusCode status;
        do
        {
            await Task.Delay(1000);
            status = (await client.GetAsync(ApiClient.QueuePath(queue))).StatusCode;
        }
        while (status == HttpStatusCode.OK && DateTimeOffset.UtcNow < deadline);
        Assert.Equal(HttpStatusCode.NotFound, status);
    }
}
