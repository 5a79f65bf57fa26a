using System.Net;
using System.Text.Json;
using Serverless.Testing;
using static Serverless.IntegrationTests.Functions.ApiClient;

namespace Serverless.IntegrationTests.Functions;

/// <summary>PublishToQueue (API.md, Publish), observed through receive.</summary>
[Collection(ServiceCollection.Name)]
public sealed class PublishFunctionsTests(ServiceFixture fixture)
{
    private readonly HttpClient client = fixture.Client;

    [Fact]
    public async Task Single_message_is_201_enqueued_into_the_queue()
    {
        var name = await client.DeclareQueueAsync();

        var response = await client.PostJsonAsync($"{QueuePath(name)}/publish", new { body = "hello", messageId = "m-1" }).ExpectAsync(HttpStatusCode.Created);

        var results = response.GetProperty("results");
        Assert.Equal(1, results.GetArrayLength());
        Assert.Equal("m-1", results[0].Str("messageId"));
        Assert.Equal("enqueued", results[0].Str("status"));
        Assert.Equal([name], results[0].GetProperty("queues").EnumerateArray().Select(q => q.GetString()!).ToArray());
        var message = await client.ReceiveOneAsync(name);
        Assert.Equal("hello", message.Str("body"));
        Assert.Equal("m-1", message.Str("messageId"));
        Assert.Equal("utf8", message.Str("bodyEncoding"));
        Assert.Equal("", message.Str("exchange"));
        Assert.Equal(name, message.Str("routingKey"));
        Assert.Equal(1, message.GetProperty("deliveryCount").GetInt32());
        Assert.False(message.GetProperty("redelivered").GetBoolean());
        Assert.Equal(0, message.GetProperty("deaths").GetArrayLength());
        Assert.InRange(message.Time("enqueuedAt"), DateTimeOffset.UtcNow.AddMinutes(-2), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task Message_without_id_gets_a_generated_one()
    {
        var name = await client.DeclareQueueAsync();

        var first = await client.PublishAsync(name, new { body = "a" });
        var second = await client.PublishAsync(name, new { body = "a" });

        Assert.False(string.IsNullOrEmpty(first.Str("messageId")));
        Assert.NotEqual(first.Str("messageId"), second.Str("messageId"));
        Assert.Equal("enqueued", second.Str("status"));
        var received = await client.ReceiveAsync(name, maxMessages: 10);
        Assert.Equal([first.Str("messageId"), second.Str("messageId")], received.Select(m => m.Str("messageId")).ToArray());
    }

    [Fact]
    public async Task Batch_of_three_keeps_its_order_in_results_and_delivery()
    {
        var name = await client.DeclareQueueAsync();

        var results = await client.PublishBatchAsync(name,
            new { body = "one", messageId = "b-1" }, new { body = "two", messageId = "b-2" }, new { body = "three", messageId = "b-3" });

        Assert.Equal(["b-1", "b-2", "b-3"], results.Select(r => r.Str("messageId")).ToArray());
        Assert.All(results, r => Assert.Equal("enqueued", r.Str("status")));
        Assert.All(results, r => Assert.Equal([name], r.GetProperty("queues").EnumerateArray().Select(q => q.GetString()!).ToArray()));
        Assert.Equal(["one", "two", "three"], (await client.ReceiveAsync(name, maxMessages: 10)).Bodies());
    }

    [Fact]
    public async Task Republished_messageId_is_duplicate_and_delivered_once()
    {
        var name = await client.DeclareQueueAsync();
        var id = Guid.NewGuid().ToString("N");

        var first = await client.PublishAsync(name, new { body = "original", messageId = id });
        var second = await client.PublishAsync(name, new { body = "retry", messageId = id });

        Assert.Equal("enqueued", first.Str("status"));
        Assert.Equal("duplicate", second.Str("status"));
        Assert.Equal(id, second.Str("messageId"));
        var received = await client.ReceiveAsync(name, maxMessages: 10);
        Assert.Equal(["original"], received.Bodies());
        Assert.Equal(1, (await client.CountsAsync(name)).Total);
    }

    [Fact]
    public async Task Duplicate_stays_duplicate_after_the_original_was_acked()
    {
        var name = await client.DeclareQueueAsync();
        await client.PublishTextAsync(name, "original", "dedup-after-ack");
        var message = await client.ReceiveOneAsync(name);
        await client.AckAsync(name, message.Str("receipt"));

        var retry = await client.PublishTextAsync(name, "retry", "dedup-after-ack");

        Assert.Equal("duplicate", retry.Str("status"));
        Assert.Empty(await client.ReceiveAsync(name));
    }

    [Fact]
    public async Task Same_messageId_twice_in_one_batch_makes_the_second_duplicate()
    {
        var name = await client.DeclareQueueAsync();

        var results = await client.PublishBatchAsync(name,
            new { body = "first", messageId = "same" }, new { body = "other", messageId = "other" }, new { body = "second", messageId = "same" });

        Assert.Equal(["enqueued", "enqueued", "duplicate"], results.Select(r => r.Str("status")).ToArray());
        Assert.Equal(["first", "other"], (await client.ReceiveAsync(name, maxMessages: 10)).Bodies());
    }

    [Fact]
    public async Task Zero_deduplication_window_enqueues_the_same_messageId_again()
    {
        var name = await client.DeclareQueueAsync(new { deduplicationWindowSeconds = 0 });

        var first = await client.PublishTextAsync(name, "a", "no-dedup");
        var second = await client.PublishTextAsync(name, "b", "no-dedup");

        Assert.Equal("enqueued", first.Str("status"));
        Assert.Equal("enqueued", second.Str("status"));
        Assert.Equal(["a", "b"], (await client.ReceiveAsync(name, maxMessages: 10)).Bodies());
    }

    [Fact]
    public async Task Delayed_message_is_not_receivable_before_its_delay_and_is_after()
    {
        var name = await client.DeclareQueueAsync();

        await client.PublishAsync(name, new { body = "later", delaySeconds = 2 });

        Assert.Empty(await client.ReceiveAsync(name));
        Assert.Equal((0L, 0L, 1L, 1L), await client.CountsAsync(name));
        await Task.Delay(TimeSpan.FromSeconds(2.2));
        var message = await client.ReceiveOneAsync(name, waitSeconds: 5);
        Assert.Equal("later", message.Str("body"));
    }

    [Fact]
    public async Task Queue_delaySeconds_delays_every_message_unless_it_says_otherwise()
    {
        var name = await client.DeclareQueueAsync(new { delaySeconds = 60 });

        await client.PublishTextAsync(name, "delayed by the queue");
        await client.PublishAsync(name, new { body = "at once", delaySeconds = 0 });

        Assert.Equal(["at once"], (await client.ReceiveAsync(name, maxMessages: 10)).Bodies());
        Assert.Equal((0L, 1L, 1L, 2L), await client.CountsAsync(name));
    }

    [Fact]
    public async Task Message_ttl_expires_it_before_delivery()
    {
        var name = await client.DeclareQueueAsync();

        await client.PublishAsync(name, new { body = "short-lived", ttlSeconds = 1 });
        await client.PublishAsync(name, new { body = "long-lived", ttlSeconds = 600 });
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.Equal(["long-lived"], (await client.ReceiveAsync(name, maxMessages: 10)).Bodies());
        Assert.Empty(await client.ReceiveAsync(name, maxMessages: 10));
        Assert.Equal((0L, 1L, 0L, 1L), await client.CountsAsync(name));
    }

    [Fact]
    public async Task Queue_messageTtlSeconds_expires_messages_before_delivery()
    {
        var name = await client.DeclareQueueAsync(new { messageTtlSeconds = 1 });

        await client.PublishTextAsync(name, "short-lived");
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.Empty(await client.ReceiveAsync(name, maxMessages: 10));
        Assert.Equal((0L, 0L, 0L, 0L), await client.CountsAsync(name));
    }

    [Fact]
    public async Task Priorities_deliver_highest_first_then_oldest_first()
    {
        var name = await client.DeclareQueueAsync(new { maxPriority = 5 });

        await client.PublishBatchAsync(name,
            new { body = "p1", priority = 1 },
            new { body = "p5-a", priority = 5 },
            new { body = "p0", priority = 0 },
            new { body = "p3", priority = 3 },
            new { body = "p5-b", priority = 5 },
            new { body = "none" });

        var received = await client.ReceiveAsync(name, maxMessages: 10);
        Assert.Equal(["p5-a", "p5-b", "p3", "p1", "p0", "none"], received.Bodies());
        Assert.Equal([5, 5, 3, 1, 0, 0], received.Select(m => m.GetProperty("priority").GetInt32()).ToArray());
    }

    [Fact]
    public async Task Priority_above_maxPriority_counts_as_maxPriority()
    {
        var name = await client.DeclareQueueAsync(new { maxPriority = 2 });

        await client.PublishBatchAsync(name,
            new { body = "p2", priority = 2 },
            new { body = "p9", priority = 9 },
            new { body = "p1", priority = 1 });

        Assert.Equal(["p2", "p9", "p1"], (await client.ReceiveAsync(name, maxMessages: 10)).Bodies());
    }

    [Fact]
    public async Task Queue_without_maxPriority_ignores_priorities()
    {
        var name = await client.DeclareQueueAsync();

        await client.PublishBatchAsync(name, new { body = "low", priority = 0 }, new { body = "high", priority = 9 });

        Assert.Equal(["low", "high"], (await client.ReceiveAsync(name, maxMessages: 10)).Bodies());
    }

    [Fact]
    public async Task Base64_body_round_trips_exactly()
    {
        var name = await client.DeclareQueueAsync();
        var bytes = Enumerable.Range(0, 256).Select(i => (byte)i).Concat(new byte[] { 0xFF, 0x00, 0xC3, 0x28 }).ToArray();
        var body = Convert.ToBase64String(bytes);

        await client.PublishAsync(name, new { body, bodyEncoding = "base64" });

        var message = await client.ReceiveOneAsync(name);
        Assert.Equal("base64", message.Str("bodyEncoding"));
        Assert.Equal(body, message.Str("body"));
        Assert.Equal(bytes, Convert.FromBase64String(message.Str("body")));
        Assert.Equal(bytes.Length, (await client.GetQueueAsync(name)).GetProperty("bytes").GetInt64());
    }

    [Fact]
    public async Task Utf8_body_with_non_ascii_text_round_trips_and_counts_bytes()
    {
        var name = await client.DeclareQueueAsync();
        const string body = "grüße, 世界 🚀 \"quoted\" \n\t\\";

        await client.PublishTextAsync(name, body);

        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(body), (await client.GetQueueAsync(name)).GetProperty("bytes").GetInt64());
        Assert.Equal(body, (await client.ReceiveOneAsync(name)).Str("body"));
    }

    [Fact]
    public async Task Empty_body_is_allowed()
    {
        var name = await client.DeclareQueueAsync();

        await client.PublishTextAsync(name, "");

        Assert.Equal("", (await client.ReceiveOneAsync(name)).Str("body"));
    }

    [Fact]
    public async Task Body_of_exactly_256_KiB_is_accepted_and_round_trips()
    {
        var name = await client.DeclareQueueAsync();
        var bytes = new byte[256 * 1024];
        new Random(42).NextBytes(bytes);
        var body = Convert.ToBase64String(bytes);

        await client.PublishAsync(name, new { body, bodyEncoding = "base64" });

        var message = await client.ReceiveOneAsync(name);
        Assert.Equal(bytes, Convert.FromBase64String(message.Str("body")));
    }

    [Fact]
    public async Task Properties_and_headers_round_trip()
    {
        var name = await client.DeclareQueueAsync();

        await client.PublishAsync(name, new
        {
            body = "{\"order\":42}",
            contentType = "application/json",
            correlationId = "corr-7",
            replyTo = "replies",
            routingKey = "orders.created",
            headers = new Dictionary<string, object?> { ["tenant"] = "contoso", ["attempt"] = 3, ["urgent"] = true, ["ratio"] = 0.5, ["nothing"] = null },
        });

        var message = await client.ReceiveOneAsync(name);
        Assert.Equal("{\"order\":42}", message.Str("body"));
        Assert.Equal("application/json", message.Str("contentType"));
        Assert.Equal("corr-7", message.Str("correlationId"));
        Assert.Equal("replies", message.Str("replyTo"));
        Assert.Equal("orders.created", message.Str("routingKey"));
        var headers = message.GetProperty("headers");
        Assert.Equal("contoso", headers.Str("tenant"));
        Assert.Equal(3, headers.GetProperty("attempt").GetInt32());
        Assert.True(headers.GetProperty("urgent").GetBoolean());
        Assert.Equal(0.5, headers.GetProperty("ratio").GetDouble());
        Assert.Equal(JsonValueKind.Null, headers.GetProperty("nothing").ValueKind);
        Assert.Equal(5, headers.EnumerateObject().Count());
    }

    [Fact]
    public async Task Invalid_message_in_a_batch_writes_nothing()
    {
        var name = await client.DeclareQueueAsync();

        await client.PostJsonAsync($"{QueuePath(name)}/publish", new { messages = new object[] { new { body = "good" }, new { body = "bad", priority = -1 } } })
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "messages[1].priority");

        Assert.Equal((0L, 0L, 0L, 0L), await client.CountsAsync(name));
    }
}
