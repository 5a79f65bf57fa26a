using Microsoft.Extensions.Time.Testing;
using Serverless.Errors;
using Serverless.IntegrationTests.Messages;
using Serverless.Messages;
using Serverless.Queues;
using Serverless.Replication;
using Serverless.Storage.Tables;
using Serverless.Testing;

namespace Serverless.IntegrationTests.Replication;

/// <summary>Async queues: confirmed once the primary has a change; the change waits in the partition's outbox until it is
/// shipped (here by hand: the engine runs no functions), lag is measured from the outbox, and publishes are throttled
/// while it exceeds the queue's <c>maxReplicationLagSeconds</c>. Applying shipped changes twice, late, out of order or
/// from two instances at once leaves the secondary as the primary.</summary>
public sealed class AsyncReplicationTests(AzuriteRegionsFixture regions) : IClassFixture<AzuriteRegionsFixture>
{
    [Fact]
    public async Task Async_changes_wait_in_the_outbox_with_their_lag_measured_until_shipped()
    {
        await using var engine = await EngineHost.StartAsync(regions);
        var queue = EngineCalls.NewQueueName("async");
        await engine.DeclareAsync(queue, new QueueArguments { Replication = ReplicationMode.Async });
        var partition = await ReplicaRows.PartitionKeyAsync(engine, queue);
        var secondary = ReplicaRows.Secondary(regions);

        await engine.PublishBodiesAsync(queue, 5);

        Assert.Empty(await secondary.MessageIdsAsync(partition));
        var waiting = (await engine.Get<QueueService>().GetAsync(EngineCalls.Vhost, queue)).Replication;
        Assert.Equal((ReplicationMode.Async, false, 5L), (waiting.Mode, waiting.Synchronized, waiting.LagMessages));

        var shipped = await engine.Get<Replicator>().ShipAsync(partition);

        Assert.Equal(5, shipped);
        Assert.Equal(5, (await secondary.MessageIdsAsync(partition)).Count);
        var caughtUp = (await engine.Get<QueueService>().GetAsync(EngineCalls.Vhost, queue)).Replication;
        Assert.Equal((true, 0L, 0.0), (caughtUp.Synchronized, caughtUp.LagMessages, caughtUp.LagSeconds));
    }

    [Fact]
    public async Task Async_publishes_get_429_while_the_lag_exceeds_the_queues_maximum_and_go_through_once_shipped()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var engine = await EngineHost.StartAsync(regions, clock);
        var queue = EngineCalls.NewQueueName("async-throttled");
        await engine.DeclareAsync(queue, new QueueArguments { Replication = ReplicationMode.Async, MaxReplicationLagSeconds = 1 });
        await engine.PublishBodiesAsync(queue, 1);
        clock.Advance(TimeSpan.FromSeconds(3)); // nothing shipped for 3 s: over the 1 s maximum

        var throttled = await Assert.ThrowsAsync<ThrottledException>(() => engine.PublishBodiesAsync(queue, 1));
        Assert.Equal(TimeSpan.FromSeconds(1), throttled.RetryAfter);
        Assert.Equal(1, (await engine.CountsAsync(queue)).Total); // nothing of the throttled publish was stored

        await engine.Get<Replicator>().ShipAsync(await ReplicaRows.PartitionKeyAsync(engine, queue));
        var published = await engine.PublishBodiesAsync(queue, 1);
        Assert.Equal(PublishStatus.Enqueued, published.Results.Single().Status);
    }

    [Fact]
    public async Task Changes_applied_twice_out_of_order_and_from_two_instances_leave_the_secondary_as_the_primary()
    {
        await using var engine = await EngineHost.StartAsync(regions);
        var dead = EngineCalls.NewQueueName("order-dlq");
        var queue = EngineCalls.NewQueueName("order");
        await engine.DeclareAsync(dead, new QueueArguments { Replication = ReplicationMode.Async });
        await engine.DeclareAsync(queue, new QueueArguments { Replication = ReplicationMode.Async, DeadLetterExchange = "", DeadLetterRoutingKey = dead });
        await engine.PublishAsync(queue, [.. Enumerable.Range(0, 30).Select(i => new PublishMessage
        {
            Body = i % 5 == 0 ? new string('L', 6000) : $"m{i}",
            MessageId = i % 2 == 0 ? $"id-{i}" : null,
            TtlSeconds = i % 3 == 0 ? 3600 : null,
        })]);
        var received = await engine.ReceiveAsync(queue, maxMessages: 12);
        for (var i = 0; i < received.Count; i++)
        {
            var receipt = received[i].Receipt!;
            _ = (i % 4) switch
            {
                0 => await engine.AckAsync(queue, receipt),
                1 => await engine.NackAsync(queue, receipt, requeue: false),
                2 => await engine.NackAsync(queue, receipt, delaySeconds: 120),
                _ => await engine.NackAsync(queue, receipt),
            };
        }
        var outbox = engine.Get<TableOutbox>();
        var replica = engine.Get<TableReplicaStore>();
        foreach (var partition in new[] { await ReplicaRows.PartitionKeyAsync(engine, queue), await ReplicaRows.PartitionKeyAsync(engine, dead) })
        {
            var batch = await outbox.ReadAsync(partition, 10_000);
            Assert.NotEmpty(batch.Changes);
            var changes = batch.Changes.ToArray();

            // Newest first, one at a time; then all again in a shuffled order; then twice more by two "instances" at once.
            foreach (var change in changes.Reverse()) await replica.ApplyAsync(partition, [change], batch.Bodies);
            var shuffled = changes.ToArray();
            Random.Shared.Shuffle(shuffled);
            await replica.ApplyAsync(partition, shuffled, batch.Bodies);
            await Task.WhenAll(
                Task.Run(() => replica.ApplyAsync(partition, changes.Where((_, i) => i % 2 == 0).ToList(), batch.Bodies)),
                Task.Run(() => replica.ApplyAsync(partition, changes.Reverse().ToList(), batch.Bodies)));

            await AssertSameMessagesAsync(partition);
        }
    }

    /// <summary>The same live messages with the same content in both regions (leases and delivery counts aside).</summary>
    private async Task AssertSameMessagesAsync(string partition)
    {
        static string Describe(Azure.Data.Tables.TableEntity row) =>
            $"{row.GetString("MessageId")}|{row.GetInt32("BodyLength")}|{row.GetString("RoutingKey")}|{row.GetString("Deaths")}|{row.GetInt64("ExpiresAt")}";
        var primary = (await ReplicaRows.Primary(regions).IndexRowsAsync(partition)).Select(Describe).Order(StringComparer.Ordinal).ToList();
        var secondary = (await ReplicaRows.Secondary(regions).IndexRowsAsync(partition)).Select(Describe).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(primary, secondary);
    }
}
