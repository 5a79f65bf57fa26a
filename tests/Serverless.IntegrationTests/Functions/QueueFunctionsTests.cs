using System.Net;
using System.Text.Json;
using Serverless.Testing;
using static Serverless.IntegrationTests.Functions.ApiClient;

namespace Serverless.IntegrationTests.Functions;

/// <summary>DeclareQueue, GetQueue, ListQueues, DeleteQueue, PurgeQueue (API.md, Queues).</summary>
[Collection(ServiceCollection.Name)]
public sealed class QueueFunctionsTests(ServiceFixture fixture)
{
    private readonly HttpClient client = fixture.Client;

    [Fact]
    public async Task Declare_creates_with_201_then_answers_200_for_equivalent_arguments()
    {
        var name = NewQueueName();

        var created = await client.PutAsync(QueuePath(name), content: null).ExpectAsync(HttpStatusCode.Created);
        var again = await client.PutAsync(QueuePath(name), content: null).ExpectAsync(HttpStatusCode.OK);
        // An explicit default is equivalent to leaving the argument out.
        var explicitDefault = await client.PutJsonAsync(QueuePath(name), new { arguments = new { visibilityTimeoutSeconds = 30 } }).ExpectAsync(HttpStatusCode.OK);
        var emptyArguments = await client.PutJsonAsync(QueuePath(name), new { arguments = new { } }).ExpectAsync(HttpStatusCode.OK);

        foreach (var queue in new[] { created, again, explicitDefault, emptyArguments })
        {
            Assert.Equal(name, queue.Str("name"));
            Assert.Equal(DefaultVhost, queue.Str("vhost"));
        }
        Assert.Equal(created.Str("createdAt"), again.Str("createdAt"));
    }

    [Fact]
    public async Task Declare_with_explicit_default_first_then_none_is_equivalent()
    {
        var name = NewQueueName();

        await client.PutJsonAsync(QueuePath(name), new { arguments = new { visibilityTimeoutSeconds = 30, deliveryLimit = 20, shards = 1 } }).ExpectAsync(HttpStatusCode.Created);

        await client.PutAsync(QueuePath(name), content: null).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Declare_with_different_arguments_is_409_naming_each_differing_argument()
    {
        var name = NewQueueName();
        await client.PutJsonAsync(QueuePath(name), new { arguments = new { maxPriority = 5, deliveryLimit = 3 } }).ExpectAsync(HttpStatusCode.Created);

        var problem = await client.PutJsonAsync(QueuePath(name), new { arguments = new { maxPriority = 4, deliveryLimit = 3, messageTtlSeconds = 60 } })
            .ExpectProblemAsync(HttpStatusCode.Conflict, "arguments.maxPriority", "arguments.messageTtlSeconds");

        Assert.Equal(["arguments.maxPriority", "arguments.messageTtlSeconds"], problem.ErrorFields());
        // The queue keeps its original arguments.
        var queue = await client.GetQueueAsync(name);
        Assert.Equal(5, queue.GetProperty("arguments").GetProperty("maxPriority").GetInt32());
        Assert.False(queue.GetProperty("arguments").TryGetProperty("messageTtlSeconds", out _));
    }

    [Fact]
    public async Task Declare_without_an_argument_the_queue_has_set_is_409()
    {
        var name = NewQueueName();
        await client.PutJsonAsync(QueuePath(name), new { arguments = new { visibilityTimeoutSeconds = 10 } }).ExpectAsync(HttpStatusCode.Created);

        var problem = await client.PutAsync(QueuePath(name), content: null).ExpectProblemAsync(HttpStatusCode.Conflict, "arguments.visibilityTimeoutSeconds");

        Assert.Equal(["arguments.visibilityTimeoutSeconds"], problem.ErrorFields());
    }

    [Fact]
    public async Task Get_shows_counts_bytes_effective_arguments_with_defaults_and_replication_mode()
    {
        var name = await client.DeclareQueueAsync(new { maxPriority = 3 });
        await client.PublishTextAsync(name, "a");
        await client.PublishTextAsync(name, "bb");
        var received = await client.ReceiveOneAsync(name);
        Assert.Equal("a", received.Str("body"));
        await client.PublishAsync(name, new { body = "cccc", delaySeconds = 60 });

        var queue = await client.GetQueueAsync(name);

        Assert.Equal(name, queue.Str("name"));
        Assert.Equal(DefaultVhost, queue.Str("vhost"));
        var messages = queue.GetProperty("messages");
        Assert.Equal(1, messages.GetProperty("ready").GetInt64());
        Assert.Equal(1, messages.GetProperty("inFlight").GetInt64());
        Assert.Equal(1, messages.GetProperty("delayed").GetInt64());
        Assert.Equal(3, messages.GetProperty("total").GetInt64());
        Assert.Equal(7, queue.GetProperty("bytes").GetInt64());

        var arguments = queue.GetProperty("arguments");
        Assert.Equal(["maxPriority"], arguments.EnumerateObject().Select(p => p.Name).ToArray());
        var effective = queue.GetProperty("effectiveArguments");
        Assert.Equal(30, effective.GetProperty("visibilityTimeoutSeconds").GetInt32());
        Assert.Equal("dropHead", effective.Str("overflow"));
        Assert.Equal(20, effective.GetProperty("deliveryLimit").GetInt32());
        Assert.Equal(0, effective.GetProperty("delaySeconds").GetInt32());
        Assert.Equal(300, effective.GetProperty("deduplicationWindowSeconds").GetInt32());
        Assert.Equal("sync", effective.Str("replication"));
        Assert.Equal(60, effective.GetProperty("maxReplicationLagSeconds").GetInt32());
        Assert.Equal(1, effective.GetProperty("shards").GetInt32());
        Assert.Equal(3, effective.GetProperty("maxPriority").GetInt32());

        var replication = queue.GetProperty("replication");
        Assert.Equal("sync", replication.Str("mode"));
        // Measured when asked: a sync queue's changes reached the secondary before they were confirmed.
        Assert.True(replication.GetProperty("synchronized").GetBoolean());
        Assert.Equal(0, replication.GetProperty("lagMessages").GetInt64());
        Assert.Equal(0, replication.GetProperty("lagSeconds").GetDouble());
        Assert.True(queue.Time("createdAt") > DateTimeOffset.UtcNow.AddMinutes(-5));
    }

    [Fact]
    public async Task Get_shows_async_replication_mode_when_declared()
    {
        var name = await client.DeclareQueueAsync(new { replication = "async" });

        var queue = await client.GetQueueAsync(name);

        Assert.Equal("async", queue.GetProperty("replication").Str("mode"));
        Assert.Equal("async", queue.GetProperty("effectiveArguments").Str("replication"));
    }

    [Fact]
    public async Task Get_of_unknown_queue_is_404_problem()
    {
        await client.GetAsync(QueuePath(NewQueueName())).ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task List_contains_declared_queues_with_their_counts()
    {
        var first = await client.DeclareQueueAsync();
        var second = await client.DeclareQueueAsync();
        await client.PublishTextAsync(second, "x");

        var list = await client.GetAsync($"{VhostPath(DefaultVhost)}/queues").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(JsonValueKind.Array, list.ValueKind);
        var byName = list.EnumerateArray().ToDictionary(q => q.Str("name"));
        Assert.Equal(0, byName[first].GetProperty("messages").GetProperty("total").GetInt64());
        Assert.Equal(1, byName[second].GetProperty("messages").GetProperty("ready").GetInt64());
    }

    [Fact]
    public async Task Delete_answers_204_then_the_queue_is_404()
    {
        var name = await client.DeclareQueueAsync();
        await client.PublishTextAsync(name, "doomed");

        await client.DeleteAsync(QueuePath(name)).ExpectAsync(HttpStatusCode.NoContent);

        await client.GetAsync(QueuePath(name)).ExpectProblemAsync(HttpStatusCode.NotFound);
        await client.DeleteAsync(QueuePath(name)).ExpectProblemAsync(HttpStatusCode.NotFound);
        await client.PostJsonAsync($"{QueuePath(name)}/publish", new { body = "x" }).ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Redeclared_queue_after_delete_starts_empty()
    {
        var name = await client.DeclareQueueAsync();
        await client.PublishTextAsync(name, "old");
        await client.DeleteAsync(QueuePath(name)).ExpectAsync(HttpStatusCode.NoContent);

        await client.PutAsync(QueuePath(name), content: null).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal((0, 0, 0, 0), await client.CountsAsync(name));
        Assert.Empty(await client.ReceiveAsync(name));
    }

    [Fact]
    public async Task Delete_ifEmpty_on_a_non_empty_queue_is_409_and_keeps_it()
    {
        var name = await client.DeclareQueueAsync();
        await client.PublishTextAsync(name, "still here");

        await client.DeleteAsync($"{QueuePath(name)}?ifEmpty=true").ExpectProblemAsync(HttpStatusCode.Conflict);

        Assert.Equal(1, (await client.CountsAsync(name)).Total);
    }

    [Fact]
    public async Task Delete_ifEmpty_on_an_empty_queue_deletes_it()
    {
        var name = await client.DeclareQueueAsync();

        await client.DeleteAsync($"{QueuePath(name)}?ifEmpty=true&ifUnused=true").ExpectAsync(HttpStatusCode.NoContent);

        await client.GetAsync(QueuePath(name)).ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Delete_ifUnused_with_a_message_in_flight_is_409_and_keeps_it()
    {
        var name = await client.DeclareQueueAsync();
        await client.PublishTextAsync(name, "leased");
        var leased = await client.ReceiveOneAsync(name);

        await client.DeleteAsync($"{QueuePath(name)}?ifUnused=true").ExpectProblemAsync(HttpStatusCode.Conflict);

        Assert.Equal((0, 1, 0, 1), await client.CountsAsync(name));
        Assert.Equal("acked", (await client.AckAsync(name, leased.Str("receipt")))[0].Str("status"));
    }

    [Fact]
    public async Task Delete_ifUnused_with_only_ready_messages_deletes_it()
    {
        var name = await client.DeclareQueueAsync();
        await client.PublishTextAsync(name, "ready");

        await client.DeleteAsync($"{QueuePath(name)}?ifUnused=true").ExpectAsync(HttpStatusCode.NoContent);

        await client.GetAsync(QueuePath(name)).ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Purge_returns_the_count_and_leaves_in_flight_messages()
    {
        var name = await client.DeclareQueueAsync();
        await client.PublishBatchAsync(name, new { body = "1" }, new { body = "2" }, new { body = "3" });
        await client.PublishAsync(name, new { body = "delayed", delaySeconds = 60 });
        var leased = await client.ReceiveOneAsync(name);

        var purge = await client.PostAsync($"{QueuePath(name)}/purge", content: null).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(3, purge.GetProperty("purged").GetInt64());
        Assert.Equal((0, 1, 0, 1), await client.CountsAsync(name));
        Assert.Empty(await client.ReceiveAsync(name, maxMessages: 10));
        Assert.Equal("acked", (await client.AckAsync(name, leased.Str("receipt")))[0].Str("status"));
        Assert.Equal((0, 0, 0, 0), await client.CountsAsync(name));
    }

    [Fact]
    public async Task Purge_of_an_empty_queue_returns_zero()
    {
        var name = await client.DeclareQueueAsync();

        var purge = await client.PostAsync($"{QueuePath(name)}/purge", content: null).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(0, purge.GetProperty("purged").GetInt64());
    }
}
