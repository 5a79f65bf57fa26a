using Microsoft.Extensions.Time.Testing;
using Serverless.IntegrationTests.Messages;
using Serverless.Messages;
using Serverless.Queues;
using Serverless.Telemetry;
using Serverless.Testing;

namespace Serverless.IntegrationTests.Telemetry;

/// <summary>Issue 13, metrics: a scripted workload through the engine, read back from the OpenTelemetry in-memory
/// exporter. Every count is exact per queue, so an outcome counted twice (or one not counted) fails.</summary>
public sealed class ServiceMetricsTests(AzuriteRegionsFixture regions) : IClassFixture<AzuriteRegionsFixture>
{
    private const string Published = "serverless.messages.published", Delivered = "serverless.messages.delivered",
        Acked = "serverless.messages.acked", Nacked = "serverless.messages.nacked", DeadLettered = "serverless.messages.dead_lettered",
        Expired = "serverless.messages.expired", Depth = "serverless.queue.depth";

    [Fact]
    public async Task A_scripted_workload_is_counted_exactly_per_queue_and_the_sampled_depth_matches_the_queues()
    {
        var region = $"metrics-{Guid.NewGuid():N}"[..20];
        using var metrics = new ExportedMetrics(region);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var engine = await EngineHost.StartAsync(regions, clock, [new("Telemetry:Region", region)]);
        var (q1, q2, dlq) = (EngineCalls.NewQueueName("metrics-q1"), EngineCalls.NewQueueName("metrics-q2"), EngineCalls.NewQueueName("metrics-dlq"));
        await engine.DeclareAsync(dlq);
        await engine.DeclareAsync(q1, new QueueArguments { DeadLetterExchange = "", DeadLetterRoutingKey = dlq });
        await engine.DeclareAsync(q2);

        // 7 to q1, then one of them again: a duplicate is not a publish.
        await engine.PublishBodiesAsync(q1, 7, idPrefix: "a");
        Assert.Equal(PublishStatus.Duplicate, (await engine.PublishAsync(q1, new PublishMessage { MessageId = "a0", Body = "again" })).Results.Single().Status);
        // 3 to q2, two of which expire after a second.
        await engine.PublishAsync(q2,
            new PublishMessage { Body = "short 1", TtlSeconds = 1 },
            new PublishMessage { Body = "short 2", TtlSeconds = 1 },
            new PublishMessage { Body = "stays" });

        var received = await engine.ReceiveAsync(q1, maxMessages: 6);
        Assert.Equal(6, received.Count);
        foreach (var message in received.Take(4)) Assert.Equal(ReceiptStatus.Acked, await engine.AckAsync(q1, message.Receipt!));
        // A stale receipt changes nothing and counts nothing.
        Assert.Equal(ReceiptStatus.Stale, await engine.AckAsync(q1, received[0].Receipt!));
        Assert.Equal(ReceiptStatus.Requeued, await engine.NackAsync(q1, received[4].Receipt!, requeue: true));
        Assert.Equal(ReceiptStatus.DeadLettered, await engine.NackAsync(q1, received[5].Receipt!, requeue: false));

        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(2, (await engine.Get<DueMessageReleaser>().ExpireAllAsync()).Expired);
        Assert.True(await engine.Get<QueueSampler>().SampleAsync() >= 3);

        metrics.Flush();

        Assert.Equal((7, 3, 0), (metrics.Sum(Published, Queue(q1)), metrics.Sum(Published, Queue(q2)), metrics.Sum(Published, Queue(dlq))));
        Assert.Equal(6, metrics.Sum(Delivered, Queue(q1)));
        Assert.Equal(6, metrics.Sum(Delivered));
        Assert.Equal(4, metrics.Sum(Acked, Queue(q1)));
        Assert.Equal(2, metrics.Sum(Nacked, Queue(q1)));
        Assert.Equal(1, metrics.Sum(DeadLettered, Queue(q1), ("reason", Death.Rejected)));
        Assert.Equal(1, metrics.Sum(DeadLettered));
        Assert.Equal(2, metrics.Sum(Expired, Queue(q2)));
        Assert.Equal(2, metrics.Sum(Expired));
        Assert.All(metrics.TagSets(Published), tags => Assert.Equal("default", tags["vhost"]));

        // q1: the message never received and the requeued one are ready; q2 keeps the one without a TTL; the rejected one is in dlq.
        Assert.Equal((2, 0, 0), (metrics.Gauge(Depth, Queue(q1), ("state", "ready")), metrics.Gauge(Depth, Queue(q1), ("state", "inFlight")), metrics.Gauge(Depth, Queue(q1), ("state", "delayed"))));
        Assert.Equal(1, metrics.Gauge(Depth, Queue(q2), ("state", "ready")));
        Assert.Equal(1, metrics.Gauge(Depth, Queue(dlq), ("state", "ready")));
        var counts = await engine.CountsAsync(q1);
        Assert.Equal(counts.Ready, metrics.Gauge(Depth, Queue(q1), ("state", "ready")));
    }

    [Fact]
    public async Task Each_publish_refused_for_replication_lag_is_counted_and_the_sampled_lag_is_reported_per_queue()
    {
        var region = $"lag-{Guid.NewGuid():N}"[..20];
        using var metrics = new ExportedMetrics(region);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var engine = await EngineHost.StartAsync(regions, clock, [new("Telemetry:Region", region)]);
        var queue = EngineCalls.NewQueueName("metrics-async");
        await engine.DeclareAsync(queue, new QueueArguments { Replication = ReplicationMode.Async, MaxReplicationLagSeconds = 1 });
        await engine.PublishBodiesAsync(queue, 2);
        clock.Advance(TimeSpan.FromSeconds(3)); // nothing shipped for 3 s: over the 1 s maximum

        for (var attempt = 0; attempt < 2; attempt++) await Assert.ThrowsAsync<Errors.ThrottledException>(() => engine.PublishBodiesAsync(queue, 1));
        await engine.Get<QueueSampler>().SampleAsync();
        metrics.Flush();

        Assert.Equal(2, metrics.Sum("serverless.requests.throttled", ("kind", ThrottleKinds.ReplicationLag), Queue(queue)));
        Assert.Equal(2, metrics.Sum(Published, Queue(queue)));
        Assert.Equal(2, metrics.Gauge("serverless.replication.lag_messages", Queue(queue)));
        Assert.Equal(3.0, metrics.GaugeDouble("serverless.replication.lag_seconds", Queue(queue)), precision: 0);
    }

    private static (string, object) Queue(string name) => ("queue", name);
}
