using System.Globalization;
using System.Net;
using System.Text.Json;
using Serverless.Testing;
using static Serverless.IntegrationTests.Events.EventPolling;
using static Serverless.IntegrationTests.Functions.ApiClient;

namespace Serverless.IntegrationTests.Events;

/// <summary>GetEvents: queue events raised through the service, read back from the events table as CloudEvents.</summary>
[Collection(ServiceCollection.Name)]
public sealed class EventFunctionsTests(ServiceFixture fixture)
{
    private readonly HttpClient client = fixture.Client;

    [Fact]
    public async Task Declare_then_delete_is_listed_as_queue_created_then_queue_deleted()
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        var name = NewQueueName();
        var subject = $"/vhosts/{DefaultVhost}/queues/{name}";

        var queue = await client.PutJsonAsync(QueuePath(name), new { arguments = new { maxLength = 10, replication = "async" } }).ExpectAsync(HttpStatusCode.Created);
        await client.DeleteAsync(QueuePath(name)).ExpectAsync(HttpStatusCode.NoContent);
        var events = await TableEventsAsync(client, since, subject, count: 2);

        Assert.Equal(["Serverless.Queue.Created", "Serverless.Queue.Deleted"], events.Select(e => e.Str("type")));
        Assert.All(events, e =>
        {
            Assert.Equal("1.0", e.Str("specversion"));
            Assert.Equal("/serverless", e.Str("source"));
            Assert.Equal("application/json", e.Str("datacontenttype"));
            Assert.Equal(DefaultVhost, e.GetProperty("data").Str("vhost"));
            Assert.Equal(name, e.GetProperty("data").Str("queue"));
        });
        var (created, deleted) = (events[0], events[1]);
        Assert.Equal(queue.Str("createdAt"), created.Str("time"));
        Assert.True(deleted.Time("time") >= created.Time("time"));
        Assert.NotEqual(created.Str("id"), deleted.Str("id"));
        var arguments = created.GetProperty("data").GetProperty("arguments");
        Assert.Equal(10, arguments.GetProperty("maxLength").GetInt32());
        Assert.Equal("async", arguments.Str("replication"));
        Assert.False(deleted.GetProperty("data").TryGetProperty("arguments", out _));
    }

    [Fact]
    public async Task Redeclare_raises_no_second_created_event()
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        var name = NewQueueName();

        await client.PutAsync(QueuePath(name), content: null).ExpectAsync(HttpStatusCode.Created);
        await client.PutAsync(QueuePath(name), content: null).ExpectAsync(HttpStatusCode.OK);
        await client.DeleteAsync(QueuePath(name)).ExpectAsync(HttpStatusCode.NoContent);
        // The delete's event is written after the declares' ones: once it is there, a second Created would be too.
        var events = await TableEventsAsync(client, since, $"/vhosts/{DefaultVhost}/queues/{name}", count: 2);

        Assert.Equal(["Serverless.Queue.Created", "Serverless.Queue.Deleted"], events.Select(e => e.Str("type")));
    }

    [Fact]
    public async Task Since_is_inclusive_to_the_millisecond()
    {
        var name = NewQueueName();
        var subject = $"/vhosts/{DefaultVhost}/queues/{name}";
        var queue = await client.PutAsync(QueuePath(name), content: null).ExpectAsync(HttpStatusCode.Created);
        var time = queue.Time("createdAt");
        await TableEventsAsync(client, time, subject, count: 1);

        var at = await ListAsync($"since={Since(time)}");
        var justAfter = await ListAsync($"since={Since(time.AddTicks(1))}");
        var withOffset = await ListAsync($"since={Uri.EscapeDataString(time.ToOffset(TimeSpan.FromHours(2)).ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture))}");

        Assert.Single(at, e => e.Str("subject") == subject);
        Assert.DoesNotContain(justAfter, e => e.Str("subject") == subject);
        Assert.Single(withOffset, e => e.Str("subject") == subject);
    }

    [Fact]
    public async Task Events_come_oldest_first_and_limit_takes_the_oldest()
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        var names = new List<string>();
        for (var i = 0; i < 3; i++) names.Add(await client.DeclareQueueAsync());
        await TableEventsAsync(client, since, $"/vhosts/{DefaultVhost}/queues/{names[^1]}", count: 1);

        var all = await ListAsync($"since={Since(since)}");
        var firstTwo = await ListAsync($"since={Since(since)}&limit=2");

        var ours = all.Where(e => names.Any(n => e.Str("subject").EndsWith("/" + n, StringComparison.Ordinal))).Select(e => e.Str("subject")).ToList();
        Assert.Equal(names.Select(n => $"/vhosts/{DefaultVhost}/queues/{n}"), ours);
        Assert.Equal(all.Select(e => e.Time("time")).Order(), all.Select(e => e.Time("time")));
        Assert.Equal(all.Take(2).Select(e => e.Str("id")), firstTwo.Select(e => e.Str("id")));
    }

    [Theory]
    [InlineData("9999-12-31T23:59:59.9999999Z")]
    [InlineData("9999-12-31T23:59:59.999Z")]
    [InlineData("9999-12-31T23:59:59Z")]
    public async Task Since_at_the_end_of_time_lists_nothing(string since)
    {
        var events = await ListAsync($"since={since}");

        Assert.Empty(events);
    }

    [Theory]
    [InlineData("since=yesterday", "since")]
    [InlineData("since=2026-11-23", "since")]
    [InlineData("since=2026-11-23T14:21:11", "since")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("limit=ten", "limit")]
    public async Task Bad_query_is_a_400_naming_the_parameter(string query, string field) =>
        await client.GetAsync($"api/v1/events?{query}").ExpectProblemAsync(HttpStatusCode.BadRequest, field);

    [Fact]
    public async Task Events_need_a_key()
    {
        using var anonymous = new HttpClient { BaseAddress = fixture.Service.BaseAddress };

        await anonymous.GetAsync("api/v1/events").ExpectProblemAsync(HttpStatusCode.Unauthorized);
    }

    private async Task<IReadOnlyList<JsonElement>> ListAsync(string query) =>
        (await client.GetAsync($"api/v1/events?{query}").ExpectAsync(HttpStatusCode.OK)).GetProperty("events").EnumerateArray().ToList();

    private static string Since(DateTimeOffset time) =>
        Uri.EscapeDataString(time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
}
