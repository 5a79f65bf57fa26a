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
}
