using System.Net;
using Serverless.Testing;
using static Serverless.IntegrationTests.Functions.ApiClient;

namespace Serverless.IntegrationTests.Functions;

/// <summary>PeekMessages (API.md, peek): look at messages without leasing them.</summary>
[Collection(ServiceCollection.Name)]
public sealed class PeekFunctionsTests(ServiceFixture fixture)
{
    private readonly HttpClient client = fixture.Client;

    [Fact]
    public async Task Peek_ready_shows_messages_without_leasing_them()
    {
        var name = await client.DeclareQueueAsync();
        await client.PublishBatchAsync(name, new { body = "1", messageId = "p-1" }, new { body = "2", messageId = "p-2" }, new { body = "3", messageId = "p-3" });

        var peeked = await client.PeekAsync(name, "ready", limit: 5);

        Assert.Equal(["1", "2", "3"], peeked.Bodies());
        Assert.Equal(["p-1", "p-2", "p-3"], peeked.Select(m => m.Str("messageId")).ToArray());
        Assert.All(peeked, m => Assert.False(m.TryGetProperty("receipt", out _), $"a peeked message has no receipt: {m}"));
        Assert.Equal((3L, 0L, 0L, 3L), await client.CountsAsync(name));
        var received = await client.ReceiveAsync(name, maxMessages: 10);
        Assert.Equal(["1", "2", "3"], received.Bodies());
        Assert.All(received, m => Assert.Equal(1, m.GetProperty("deliveryCount").GetInt32()));
    }

    [Fact]
    public async Task Peek_defaults_to_ready_and_honours_limit()
    {
        var name = await client.DeclareQueueAsync();
        await client.PublishBatchAsync(name, Enumerable.Range(1, 5).Select(i => (object)new { body = $"m{i}" }).ToArray());

        var limited = await client.PeekAsync(name, "ready", limit: 2);
        var byDefault = await client.GetAsync($"{QueuePath(name)}/messages").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(["m1", "m2"], limited.Bodies());
        Assert.Equal(["m1", "m2", "m3", "m4", "m5"], byDefault.GetProperty("messages").EnumerateArray().Bodies());
    }

    [Fact]
    public async Task Peek_inFlight_shows_leased_messages_only()
    {
        var name = await client.DeclareQueueAsync();
        await client.PublishBatchAsync(name, new { body = "leased" }, new { body = "waiting" });
        var leased = await client.ReceiveOneAsync(name);

        var inFlight = await client.PeekAsync(name, "inFlight");
        var ready = await client.PeekAsync(name, "ready");

        Assert.Equal(["leased"], inFlight.Bodies());
        Assert.Equal(leased.Str("messageId"), inFlight[0].Str("messageId"));
        Assert.Equal(["waiting"], ready.Bodies());
        Assert.Equal("acked", (await client.AckAsync(name, leased.Str("receipt")))[0].Str("status"));
    }

    [Fact]
    public async Task Peek_delayed_shows_delayed_messages_only()
    {
        var name = await client.DeclareQueueAsync();
        await client.PublishAsync(name, new { body = "later", delaySeconds = 60 });
        await client.PublishTextAsync(name, "now");

        var delayed = await client.PeekAsync(name, "delayed");

        Assert.Equal(["later"], delayed.Bodies());
        Assert.Equal(["now"], (await client.PeekAsync(name, "ready")).Bodies());
        Assert.Empty(await client.PeekAsync(name, "inFlight"));
        Assert.Equal(["now"], (await client.ReceiveAsync(name, maxMessages: 10)).Bodies());
    }

    [Fact]
    public async Task Peek_of_unknown_queue_is_404()
    {
        await client.GetAsync($"{QueuePath(NewQueueName())}/messages?state=ready").ExpectProblemAsync(HttpStatusCode.NotFound);
    }
}
