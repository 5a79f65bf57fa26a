using System.Diagnostics;
using System.Net;
using Serverless.Events;
using static Serverless.IntegrationTests.Events.EventPolling;
using static Serverless.IntegrationTests.Functions.ApiClient;

namespace Serverless.IntegrationTests.Events;

/// <summary>Events sent to an Event Grid topic (a local sink over plain http) with Azure.Messaging.EventGrid, and what a
/// failing or hung topic does to the operations that raise them: nothing.</summary>
public sealed class EventGridTests(EventGridServiceFixture fixture) : IClassFixture<EventGridServiceFixture>
{
    private readonly HttpClient client = fixture.Client;
    private readonly CloudEventSink sink = fixture.Sink;

    [Fact]
    public async Task Topic_receives_queue_events_as_cloudevents_with_the_key()
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        var name = NewQueueName();
        var subject = $"/vhosts/{DefaultVhost}/queues/{name}";

        var queue = await client.PutJsonAsync(QueuePath(name), new { arguments = new { deliveryLimit = 3 } }).ExpectAsync(HttpStatusCode.Created);
        await client.DeleteAsync(QueuePath(name)).ExpectAsync(HttpStatusCode.NoContent);
        var sent = await UntilAsync(() => sink.AcceptedEvents(subject), count: 2);
        var kept = await TableEventsAsync(client, since, subject, count: 2);

        Assert.Equal(["Serverless.Queue.Created", "Serverless.Queue.Deleted"], sent.Select(e => e.Str("type")));
        var requests = sink.Requests.Where(r => r.Events.Any(e => e.Str("subject") == subject)).ToList();
        Assert.All(requests, r =>
        {
            Assert.Equal("application/cloudevents-batch+json; charset=utf-8", r.ContentType);
            Assert.Equal(EventGridServiceFixture.TopicKey, r.Key);
        });
        Assert.All(sent, e =>
        {
            Assert.Equal("1.0", e.Str("specversion"));
            Assert.Equal("/serverless", e.Str("source"));
            Assert.Equal(subject, e.Str("subject"));
            Assert.Equal("application/json", e.Str("datacontenttype"));
            Assert.False(e.TryGetProperty("data_base64", out _));
            Assert.Equal(name, e.GetProperty("data").Str("queue"));
        });
        Assert.Equal(queue.Time("createdAt"), sent[0].Time("time"));
        Assert.Equal(3, sent[0].GetProperty("data").GetProperty("arguments").GetProperty("deliveryLimit").GetInt32());
        // The topic and the table get the same events: same ids, times and data.
        Assert.Equal(kept.Select(e => (e.Str("id"), e.Str("type"), e.Time("time"), e.GetProperty("data").GetRawText())),
            sent.Select(e => (e.Str("id"), e.Str("type"), e.Time("time"), e.GetProperty("data").GetRawText())));
    }

    [Fact]
    public async Task Failing_topic_is_retried_then_given_up_and_the_table_keeps_the_events()
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        var name = NewQueueName();
        var subject = $"/vhosts/{DefaultVhost}/queues/{name}";
        sink.Answer(CloudEventSink.Mode.Fail);
        try
        {
            await client.PutAsync(QueuePath(name), content: null).ExpectAsync(HttpStatusCode.Created);
            await client.DeleteAsync(QueuePath(name)).ExpectAsync(HttpStatusCode.NoContent);
            var kept = await TableEventsAsync(client, since, subject, count: 2);
            var createdId = kept[0].Str("id");
            var attempts = await UntilAsync(() => sink.Requests.Where(r => r.Events.Any(e => e.Str("id") == createdId)).ToList(), count: EventLane.RetryDelays.Length + 1);

            Assert.Equal(["Serverless.Queue.Created", "Serverless.Queue.Deleted"], kept.Select(e => e.Str("type")));
            Assert.Equal(EventLane.RetryDelays.Length + 1, attempts.Count);
            Assert.All(attempts, a => Assert.Equal(HttpStatusCode.InternalServerError, a.Answered));
            await Task.Delay(EventLane.RetryDelays[^1]);
            Assert.Equal(attempts.Count, sink.Requests.Count(r => r.Events.Any(e => e.Str("id") == createdId))); // given up: no fourth attempt
        }
        finally
        {
            sink.Answer(CloudEventSink.Mode.Accept);
        }
    }

    [Fact]
    public async Task Hung_topic_does_not_slow_the_operation_nor_the_table_copy()
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        var name = NewQueueName();
        var subject = $"/vhosts/{DefaultVhost}/queues/{name}";
        sink.Answer(CloudEventSink.Mode.Hang);
        try
        {
            var clock = Stopwatch.StartNew();
            await client.PutAsync(QueuePath(name), content: null).ExpectAsync(HttpStatusCode.Created);
            await client.DeleteAsync(QueuePath(name)).ExpectAsync(HttpStatusCode.NoContent);
            var operations = clock.Elapsed;
            var kept = await TableEventsAsync(client, since, subject, count: 2);
            var tableCopy = clock.Elapsed;
            var hung = await UntilAsync(() => sink.Requests.Where(r => r.Events.Any(e => e.Str("subject") == subject)).ToList(), count: 1);

            Assert.Equal(["Serverless.Queue.Created", "Serverless.Queue.Deleted"], kept.Select(e => e.Str("type")));
            Assert.NotEmpty(hung); // the send really is stuck at the topic
            // An operation that waited for the topic would take a whole attempt (its timeout), or more.
            Assert.True(operations < EventGridSender.AttemptTimeout / 2, $"declare + delete took {operations}");
            Assert.True(tableCopy < EventGridSender.AttemptTimeout / 2, $"the table copy took {tableCopy}");
        }
        finally
        {
            sink.Answer(CloudEventSink.Mode.Accept);
        }
    }
}
