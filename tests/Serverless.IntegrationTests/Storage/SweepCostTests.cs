using Azure.Data.Tables;
using Microsoft.Extensions.Time.Testing;
using Serverless.IntegrationTests.Messages;
using Serverless.Messages;
using Serverless.Queues;
using Serverless.Testing;

namespace Serverless.IntegrationTests.Storage;

/// <summary>DESIGN.md invariant 2 for sweeps and timers: their cost follows the work that is due, not what is stored
/// (messages waiting, in flight, extended). Counted in requests, and in rows of the key ranges the queries read — what
/// Azure scans, which Azurite's single-page answers hide.</summary>
public sealed class SweepCostTests(AzuriteRegionsFixture regions) : IClassFixture<AzuriteRegionsFixture>
{
    // Issue 8, item 6: an extend kept the lease's first due key, so every sweep after that time read (and skipped) the
    // extended leases, page after page.
    [Fact]
    public async Task Empty_queue_receive_costs_the_same_with_5000_extended_leases_as_with_none()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var counter = new CountingPolicy();
        await using var engine = await EngineHost.StartAsync(regions, clock, EngineCalls.LongCache, counter);
        var idle = EngineCalls.NewQueueName("sweep-idle");
        var busy = EngineCalls.NewQueueName("sweep-extended");
        await engine.DeclareAsync(idle);
        await engine.DeclareAsync(busy);
        await Parallel.ForEachAsync(Enumerable.Range(0, 50), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (_, _) => await engine.PublishBodiesAsync(busy, 100));
        var receipts = new List<string>();
        while (receipts.Count < 5_000)
        {
            var batch = await engine.ReceiveAsync(busy, maxMessages: 100, visibilitySeconds: 30);
            Assert.NotEmpty(batch);
            receipts.AddRange(batch.Select(m => m.Receipt!));
        }
        foreach (var chunk in receipts.Chunk(100))
        {
            var extended = await engine.Get<Settlement>().ExtendAsync(EngineCalls.Vhost, busy, new ExtendRequest { Receipts = [.. chunk], VisibilityTimeoutSeconds = 3600 });
            Assert.All(extended.Results, r => Assert.Equal(ReceiptStatus.Extended, r.Status));
        }
        clock.Advance(TimeSpan.FromMinutes(2)); // every lease's first end has passed; none of the extended ends has

        var idleCost = await CountEmptyReceiveAsync(engine, counter, idle);
        var busyCost = await CountEmptyReceiveAsync(engine, counter, busy);

        Assert.Equal(idleCost, busyCost);
        Assert.Equal(2, busyCost); // the ready query and the sweep query, each empty
        Assert.Equal(5_000, (await engine.CountsAsync(busy)).InFlight);
    }

    // Issue 8, item 15: the expiry timer queried every ready and delayed row of every queue, every 5 s.
    [Fact]
    public async Task Timer_pass_reads_only_rows_that_are_due_whatever_is_stored()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var recorder = new QueryRangeRecorder();
        await using var engine = await EngineHost.StartAsync(regions, clock, settings: null, recorder);
        var queue = EngineCalls.NewQueueName("sweep-ttl");
        await engine.DeclareAsync(queue, new QueueArguments { MessageTtlSeconds = 3600 });
        await Parallel.ForEachAsync(Enumerable.Range(0, 30), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (_, _) => await engine.PublishBodiesAsync(queue, 100));
        await engine.PublishBodiesAsync(queue, 200, delaySeconds: 600);
        await engine.PublishAsync(queue, [.. Enumerable.Range(0, 5).Select(i => new PublishMessage { Body = $"short {i}", TtlSeconds = 1 })]);
        clock.Advance(TimeSpan.FromSeconds(2));

        recorder.Recording = true;
        var expired = await engine.Get<DueMessageReleaser>().ExpireAllAsync();
        var released = await engine.Get<DueMessageReleaser>().ReleaseAllAsync();
        recorder.Recording = false;

        Assert.Equal(5, expired.Expired);
        Assert.Equal(0, released.Released);
        var table = new TableClient(regions.Primary.ConnectionString, "Messages");
        Assert.NotEmpty(recorder.Ranges);
        Assert.Equal(0, await recorder.RowsInRangesAsync(table)); // every row the pass read was due, and is gone
        Assert.Equal(3_200, (await engine.CountsAsync(queue)).Total);
    }

    private static async Task<long> CountEmptyReceiveAsync(EngineHost engine, CountingPolicy counter, string queue)
    {
        Assert.Empty(await engine.ReceiveAsync(queue, maxMessages: 10)); // warm the definition cache
        counter.Reset();
        Assert.Empty(await engine.ReceiveAsync(queue, maxMessages: 10));
        return counter.Count;
    }
}
