using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Serverless.Testing;
using static Serverless.IntegrationTests.Functions.ApiClient;

namespace Serverless.IntegrationTests.Functions;

/// <summary>ReceiveMessages (API.md, Receive): leases, long polling, batch size.</summary>
[Collection(ServiceCollection.Name)]
public sealed class ReceiveFunctionsTests(ServiceFixture fixture)
{
    private readonly HttpClient client = fixture.Client;

    [Fact]
    public async Task Empty_queue_answers_an_empty_list_at_once_without_waitSeconds()
    {
        var name = await client.DeclareQueueAsync();
        var clock = Stopwatch.StartNew();

        var response = await client.PostJsonAsync($"{QueuePath(name)}/receive", new { waitSeconds = 0 }).ExpectAsync(HttpStatusCode.OK);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed}");
        Assert.Equal(JsonValueKind.Array, response.GetProperty("messages").ValueKind);
        Assert.Equal(0, response.GetProperty("messages").GetArrayLength());
    }

    // Issue 8, item 24: at-most-once receive, RabbitMQ's autoAck and Service Bus's ReceiveAndDelete.
    [Fact]
    public async Task Auto_ack_receive_returns_messages_without_receipts_and_removes_them()
    {
        var name = await client.DeclareQueueAsync();
        await client.PublishBatchAsync(name, new { body = "1" }, new { body = "2" }, new { body = "3" });

        var response = await client.PostJsonAsync($"{QueuePath(name)}/receive", new { maxMessages = 2, ackMode = "auto" }).ExpectAsync(HttpStatusCode.OK);

        var messages = response.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["1", "2"], messages.Bodies());
        Assert.All(messages, m => Assert.False(m.TryGetProperty("receipt", out _)));
        Assert.All(messages, m => Assert.False(m.TryGetProperty("visibleUntil", out _)));
        var queue = await client.GetAsync(QueuePath(name)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(1, queue.GetProperty("messages").GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Auto_ack_with_a_visibility_timeout_is_refused_naming_it()
    {
        var name = await client.DeclareQueueAsync();

        var response = await client.PostJsonAsync($"{QueuePath(name)}/receive", new { ackMode = "auto", visibilityTimeoutSeconds = 30 });

        await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "visibilityTimeoutSeconds");
    }

    [Fact]
    public async Task Receive_without_a_body_takes_one_message()
    {
        var name = await client.DeclareQueueAsync();
        await client.PublishBatchAsync(name, new { body = "1" }, new { body = "2" });

        var response = await client.PostAsync($"{QueuePath(name)}/receive", content: null).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(["1"], response.GetProperty("messages").EnumerateArray().Bodies());
    }

    [Fact]
    public async Task Long_poll_returns_soon_after_a_concurrent_publish()
    {
        var name = await client.DeclareQueueAsync();
        var clock = Stopwatch.StartNew();

        var receive = client.ReceiveAsync(name, waitSeconds: 5);
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.False(receive.IsCompleted, "the receive should still be waiting");
        await client.PublishTextAsync(name, "wake up");
        var messages = await receive;

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"took {clock.Elapsed}");
        Assert.Equal(["wake up"], messages.Bodies());
    }

    [Fact]
    public async Task Long_poll_with_nothing_arriving_returns_empty_at_the_deadline()
    {
        var name = await client.DeclareQueueAsync();
        var clock = Stopwatch.StartNew();

        var messages = await client.ReceiveAsync(name, waitSeconds: 2);

        Assert.Empty(messages);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(2), $"returned after {clock.Elapsed}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"returned after {clock.Elapsed}");
    }

    [Fact]
    public async Task MaxMessages_10_returns_at_most_10()
    {
        var name = await client.DeclareQueueAsync();
        await client.PublishBatchAsync(name, Enumerable.Range(1, 12).Select(i => (object)new { body = $"m{i}" }).ToArray());

        var first = await client.ReceiveAsync(name, maxMessages: 10);
        var second = await client.ReceiveAsync(name, maxMessages: 10);

        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"m{i}").ToArray(), first.Bodies());
        Assert.Equal(["m11", "m12"], second.Bodies());
        Assert.Equal(12, first.Concat(second).Select(m => m.Str("receipt")).Distinct().Count());
    }

    [Fact]
    public async Task Leased_message_is_invisible_to_a_second_receive()
    {
        var name = await client.DeclareQueueAsync();
        await client.PublishTextAsync(name, "only once");

        var first = await client.ReceiveOneAsync(name);
        var second = await client.ReceiveAsync(name, maxMessages: 10);

        Assert.Equal("only once", first.Str("body"));
        Assert.Empty(second);
        Assert.Equal((0L, 1L, 0L, 1L), await client.CountsAsync(name));
    }

    [Fact]
    public async Task Delivery_carries_a_receipt_and_a_visibleUntil_from_the_visibility_timeout()
    {
        var name = await client.DeclareQueueAsync(new { visibilityTimeoutSeconds = 120 });
        await client.PublishBatchAsync(name, new { body = "queue default" }, new { body = "per receive" });
        var before = DateTimeOffset.UtcNow;

        var byQueue = await client.ReceiveOneAsync(name);
        var byRequest = await client.ReceiveOneAsync(name, visibilityTimeoutSeconds: 10);

        Assert.False(string.IsNullOrEmpty(byQueue.Str("receipt")));
        Assert.InRange(byQueue.Time("visibleUntil"), before.AddSeconds(115), DateTimeOffset.UtcNow.AddSeconds(125));
        Assert.InRange(byRequest.Time("visibleUntil"), before.AddSeconds(5), DateTimeOffset.UtcNow.AddSeconds(15));
    }

    [Fact]
    public async Task Concurrent_receivers_never_get_the_same_message()
    {
        var name = await client.DeclareQueueAsync();
        await client.PublishBatchAsync(name, Enumerable.Range(1, 20).Select(i => (object)new { body = $"m{i}" }).ToArray());

        var batches = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => client.ReceiveAsync(name, maxMessages: 5)));
        var rest = await client.ReceiveAsync(name, maxMessages: 20);

        var all = batches.SelectMany(b => b).Concat(rest).Bodies();
        Assert.Equal(20, all.Length);
        Assert.Equal(20, all.Distinct().Count());
    }

    [Fact]
    public async Task Receive_from_unknown_queue_is_404()
    {
        await client.PostJsonAsync($"{QueuePath(NewQueueName())}/receive", new { maxMessages = 1 }).ExpectProblemAsync(HttpStatusCode.NotFound);
    }
}
