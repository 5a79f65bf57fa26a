using Serverless.Messages;
using Serverless.Policies;
using Serverless.Queues;
using Serverless.Testing;

namespace Serverless.IntegrationTests.Messages;

/// <summary>Length limits kept exactly in each shard's head row: the cost of a publish does not grow with the queue,
/// delayed messages and dead-letter copies count, a duplicate is a duplicate whatever the fill, and a limit a policy
/// adds later is counted in.</summary>
public sealed class LengthLimitTests(AzuriteRegionsFixture regions) : IClassFixture<AzuriteRegionsFixture>
{
    // Issue 8, item 3: the old check read every ready row up to the limit (and always, with only maxLengthBytes).
    [Theory]
    [InlineData(OverflowMode.RejectPublish, false)]
    [InlineData(OverflowMode.DropHead, false)]
    [InlineData(OverflowMode.RejectPublish, true)]
    public async Task Publishing_into_a_limited_queue_costs_the_same_at_10_and_at_10000_messages(OverflowMode overflow, bool bytesOnly)
    {
        var counter = new CountingPolicy();
        await using var engine = await EngineHost.StartAsync(regions, EngineCalls.LongCache, counter);
        var arguments = bytesOnly
            ? new QueueArguments { MaxLengthBytes = 100_000_000, Overflow = overflow }
            : new QueueArguments { MaxLength = 50_000, Overflow = overflow };
        var shallow = EngineCalls.NewQueueName("limit-shallow");
        var deep = EngineCalls.NewQueueName("limit-deep");
        await engine.DeclareAsync(shallow, arguments);
        await engine.DeclareAsync(deep, arguments);
        await engine.PublishBodiesAsync(shallow, 10);
        await Parallel.ForEachAsync(Enumerable.Range(0, 100), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (_, _) =>
        {
            var result = await engine.PublishBodiesAsync(deep, 100);
            Assert.All(result.Results, r => Assert.Equal(PublishStatus.Enqueued, r.Status));
        });

        // The least of three publishes per queue: a read of the replication standing (cached 2 s) may fall into one.
        var costs = new Dictionary<string, long>();
        foreach (var queue in new[] { shallow, deep, shallow, deep, shallow, deep })
        {
            counter.Reset();
            var result = await engine.PublishBodiesAsync(queue, 1);
            Assert.Equal(PublishStatus.Enqueued, Assert.Single(result.Results).Status);
            costs[queue] = Math.Min(costs.GetValueOrDefault(queue, long.MaxValue), counter.Count);
        }

        Assert.Equal(10_003, (await engine.CountsAsync(deep)).Total);
        Assert.Equal(costs[shallow], costs[deep]);
        Assert.Equal(2, costs[deep]); // one transaction in the primary, one in the secondary (the queue is sync)
    }

    [Fact]
    public async Task Delayed_messages_count_toward_the_limit()
    {
        await using var engine = await EngineHost.StartAsync(regions);
        var queue = EngineCalls.NewQueueName("limit-delayed");
        await engine.DeclareAsync(queue, new QueueArguments { MaxLength = 3, Overflow = OverflowMode.RejectPublish });
        var delayed = await engine.PublishBodiesAsync(queue, 3, delaySeconds: 3600);
        Assert.All(delayed.Results, r => Assert.Equal(PublishStatus.Enqueued, r.Status));

        var fourth = await engine.PublishBodiesAsync(queue, 1);

        Assert.Equal(PublishStatus.Rejected, Assert.Single(fourth.Results).Status);
        Assert.Equal(3, (await engine.CountsAsync(queue)).Delayed);
    }

    // Issue 8, item 2: the limit was checked before dedup, so the retry of a stored id into a full queue answered
    // rejected — and with rejectPublishDlx was dead-lettered too, one message in two places.
    [Theory]
    [InlineData(OverflowMode.RejectPublish)]
    [InlineData(OverflowMode.RejectPublishDlx)]
    public async Task Retry_of_a_stored_message_into_a_full_queue_is_a_duplicate_and_is_not_dead_lettered(OverflowMode overflow)
    {
        await using var engine = await EngineHost.StartAsync(regions);
        var dead = EngineCalls.NewQueueName("limit-dlq");
        var queue = EngineCalls.NewQueueName("limit-full");
        await engine.DeclareAsync(dead);
        await engine.DeclareAsync(queue, new QueueArguments { MaxLength = 1, Overflow = overflow, DeadLetterExchange = "", DeadLetterRoutingKey = dead });
        Assert.Equal(PublishStatus.Enqueued, (await engine.PublishAsync(queue, new PublishMessage { Body = "a", MessageId = "a" })).Results.Single().Status);
        Assert.Equal(PublishStatus.Rejected, (await engine.PublishAsync(queue, new PublishMessage { Body = "b", MessageId = "b" })).Results.Single().Status);
        var deadBefore = (await engine.CountsAsync(dead)).Total;

        var retry = await engine.PublishAsync(queue, new PublishMessage { Body = "a", MessageId = "a" });

        Assert.Equal(PublishStatus.Duplicate, retry.Results.Single().Status);
        Assert.Equal(1, (await engine.CountsAsync(queue)).Total);
        Assert.Equal(deadBefore, (await engine.CountsAsync(dead)).Total);
        Assert.Equal(overflow == OverflowMode.RejectPublishDlx ? 1 : 0, deadBefore); // only "b" was dead-lettered
    }

    [Fact]
    public async Task Dead_letter_copies_count_toward_the_target_queues_limit()
    {
        await using var engine = await EngineHost.StartAsync(regions);
        var target = EngineCalls.NewQueueName("limit-target");
        var source = EngineCalls.NewQueueName("limit-source");
        await engine.DeclareAsync(target, new QueueArguments { MaxLength = 1, Overflow = OverflowMode.RejectPublish });
        await engine.DeclareAsync(source, new QueueArguments { DeadLetterExchange = "", DeadLetterRoutingKey = target });
        await engine.PublishBodiesAsync(source, 3);

        foreach (var message in await engine.ReceiveAsync(source, maxMessages: 3))
        {
            Assert.Equal(ReceiptStatus.DeadLettered, await engine.NackAsync(source, message.Receipt!, requeue: false));
        }

        var counts = await engine.CountsAsync(target);
        Assert.Equal(1, counts.Total);
        Assert.Equal(0, (await engine.CountsAsync(source)).Total);
    }

    [Fact]
    public async Task Drop_head_keeps_the_newest_messages_within_the_limit()
    {
        await using var engine = await EngineHost.StartAsync(regions);
        var queue = EngineCalls.NewQueueName("limit-drophead");
        await engine.DeclareAsync(queue, new QueueArguments { MaxLength = 3 });
        for (var i = 0; i < 5; i++) await engine.PublishAsync(queue, new PublishMessage { Body = $"m{i}" });

        var left = await engine.ReceiveAsync(queue, maxMessages: 10);

        Assert.Equal(["m2", "m3", "m4"], left.Select(m => m.Body).ToList());
    }

    [Fact]
    public async Task Concurrent_publishers_and_receivers_never_hold_more_than_the_limit()
    {
        await using var engine = await EngineHost.StartAsync(regions);
        var queue = EngineCalls.NewQueueName("limit-race");
        await engine.DeclareAsync(queue, new QueueArguments { MaxLength = 20, Overflow = OverflowMode.RejectPublish });
        var enqueued = 0;
        var received = 0;
        var publishers = Enumerable.Range(0, 6).Select(p => Task.Run(async () =>
        {
            for (var i = 0; i < 15; i++)
            {
                var result = await engine.PublishBodiesAsync(queue, 3);
                Interlocked.Add(ref enqueued, result.Results.Count(r => r.Status == PublishStatus.Enqueued));
            }
        }));
        var receivers = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 20; i++)
            {
                foreach (var message in await engine.ReceiveAsync(queue, maxMessages: 2))
                {
                    Assert.Equal(ReceiptStatus.Acked, await engine.AckAsync(queue, message.Receipt!));
                    Interlocked.Increment(ref received);
                }
            }
        }));
        await Task.WhenAll([.. publishers, .. receivers]);

        var counts = await engine.CountsAsync(queue);
        Assert.InRange(counts.Ready, 0, 20);
        Assert.Equal(enqueued - received, counts.Total);
        // The head's count agrees with the rows: one more publish fits exactly when the rows say so.
        var probe = await engine.PublishBodiesAsync(queue, 20 - (int)counts.Ready + 1);
        Assert.Equal(20 - counts.Ready, probe.Results.Count(r => r.Status == PublishStatus.Enqueued));
    }

    [Fact]
    public async Task A_limit_added_by_a_policy_counts_the_messages_already_in_the_queue()
    {
        await using var engine = await EngineHost.StartAsync(regions);
        var queue = EngineCalls.NewQueueName("limit-policy");
        await engine.DeclareAsync(queue);
        await engine.PublishBodiesAsync(queue, 5);
        await engine.Get<PolicyService>().PutAsync(EngineCalls.Vhost, "cap-" + queue, new PutPolicyRequest
        {
            Pattern = "^" + queue + "$",
            ApplyTo = PolicyApplyTo.Queues,
            Definition = new PolicyDefinition { MaxLength = 6, Overflow = OverflowMode.RejectPublish },
        });

        // Counting starts at the next timer pass and is complete once every instance has seen the policy.
        var releaser = engine.Get<DueMessageReleaser>();
        await releaser.ExpireAllAsync();
        await Task.Delay(TimeSpan.FromSeconds(4.5));
        await releaser.ExpireAllAsync();
        var result = await engine.PublishBodiesAsync(queue, 3);

        Assert.Equal([PublishStatus.Enqueued, PublishStatus.Rejected, PublishStatus.Rejected], result.Results.Select(r => r.Status).ToList());
    }
}
