using System.Diagnostics;
using System.Net;
using Serverless.DevHost.Local;
using Serverless.IntegrationTests.Functions;
using Serverless.IntegrationTests.Hosting;
using Serverless.Testing;

namespace Serverless.IntegrationTests.Replication;

/// <summary>Replication as a user meets it: the real service through devhost over two real Azurite regions, a mixed
/// load, a secondary that hangs (SIGSTOP) or dies (SIGKILL) and comes back empty, and the consistency checker reading
/// both stores directly.</summary>
public sealed class ReplicationServiceTests(AzuriteRegionsFixture regions) : IClassFixture<AzuriteRegionsFixture>
{
    private static readonly TimeSpan CatchUpTimeout = TimeSpan.FromSeconds(90);

    /// <summary>A hung secondary must cost a request seconds, not a minute: 2 s per attempt, no retries, 2 s of grace.</summary>
    private static readonly Dictionary<string, string?> FastFailure = new()
    {
        ["Replication:SyncGraceSeconds"] = "2",
        ["Storage:NetworkTimeout"] = "00:00:02",
        ["Storage:MaxRetries"] = "0",
    };

    [Fact]
    public async Task Mixed_load_on_sync_and_async_queues_leaves_both_stores_equal_once_lag_is_zero()
    {
        await using var service = await ServiceProcess.StartAsync(new ServiceProcessOptions { RegionConfiguration = regions.RegionConfiguration });
        using var client = service.CreateClient();
        var since = DateTimeOffset.UtcNow;
        var syncDead = await client.DeclareQueueAsync(new { replication = "sync" });
        var asyncDead = await client.DeclareQueueAsync(new { replication = "async" });
        var sync = await client.DeclareQueueAsync(new { replication = "sync", deadLetterExchange = "", deadLetterRoutingKey = syncDead, maxPriority = 3 });
        var async = await client.DeclareQueueAsync(new { replication = "async", deadLetterExchange = "", deadLetterRoutingKey = asyncDead, messageTtlSeconds = 3 });
        var policy = $"cap-{Guid.NewGuid():N}";
        await client.PutJsonAsync($"api/v1/vhosts/default/policies/{policy}", new { pattern = $"^{async}$", applyTo = "queues", definition = new { maxLength = 40 } })
            .ExpectAsync(HttpStatusCode.Created);

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var work = new List<Task> { ProduceAndConsumeAsync(client, sync, stop.Token), ProduceAndConsumeAsync(client, async, stop.Token), ChurnQueuesAsync(client, stop.Token) };
        await Task.Delay(TimeSpan.FromSeconds(4));
        await client.PutJsonAsync($"api/v1/vhosts/default/policies/{policy}", new { pattern = $"^{async}$", applyTo = "queues", definition = new { maxLength = 25, overflow = "rejectPublishDlx" } })
            .ExpectAsync(HttpStatusCode.OK);
        await client.PostAsync($"{ApiClient.QueuePath(sync)}/purge", null).ExpectAsync(HttpStatusCode.OK);
        await Task.WhenAll(work);
        await client.DeleteAsync($"api/v1/vhosts/default/policies/{policy}").ExpectAsync(HttpStatusCode.NoContent);
        await client.PostJsonAsync($"{ApiClient.QueuePath(syncDead)}/redrive", new { maxMessages = 5 }).ExpectAsync(HttpStatusCode.OK);
        await Task.Delay(TimeSpan.FromSeconds(4)); // the async queue's last messages expire into its dead-letter queue

        var report = await ServiceReplication.CompareUntilEqualAsync(regions.Primary.ConnectionString, regions.Secondary.ConnectionString, client, CatchUpTimeout);
        Assert.True(report.Equal, await ServiceReplication.TraceAsync(report, regions.Primary.ConnectionString, regions.Secondary.ConnectionString));
        Assert.True(report.Compared.Messages > 0, report.Describe());
        var (_, _, _, deadLettered) = await client.CountsAsync(asyncDead);
        Assert.True(deadLettered > 0, "the load dead-lettered nothing from the async queue");
        var deaths = (await ServiceReplication.EventsSinceAsync(client, since)).Where(e => e.Str("type") == "Serverless.Message.DeadLettered").ToList();
        Assert.Contains(deaths, e => e.Str("subject") == $"/vhosts/default/queues/{sync}" && e.GetProperty("data").Str("reason") == "rejected"
            && e.GetProperty("data").GetProperty("deadLetterQueues").EnumerateArray().Single().GetString() == syncDead);
        Assert.Contains(deaths, e => e.Str("subject") == $"/vhosts/default/queues/{async}" && e.GetProperty("data").Str("reason") is "expired" or "maxlen");
    }

    [Fact]
    public async Task Each_confirmed_publish_ack_and_dead_letter_of_a_sync_queue_is_in_the_secondary_store_when_the_call_returns()
    {
        await using var service = await ServiceProcess.StartAsync(new ServiceProcessOptions { RegionConfiguration = regions.RegionConfiguration });
        using var client = service.CreateClient();
        var dead = await client.DeclareQueueAsync(new { replication = "sync" });
        var queue = await client.DeclareQueueAsync(new { replication = "sync", deadLetterExchange = "", deadLetterRoutingKey = dead });
        var partition = await ReplicaRows.PartitionKeyAsync(regions, "default", queue);
        var deadPartition = await ReplicaRows.PartitionKeyAsync(regions, "default", dead);
        var secondary = ReplicaRows.Secondary(regions);

        for (var i = 0; i < 3; i++)
        {
            await client.PublishTextAsync(queue, $"m{i}", $"m{i}");
            Assert.Contains($"m{i}", await secondary.MessageIdsAsync(partition)); // read as soon as the 201 arrived
        }
        var received = (await client.ReceiveAsync(queue, maxMessages: 3)).ToDictionary(m => m.Str("messageId"));
        await client.AckAsync(queue, received["m0"].Str("receipt"));
        Assert.Equal(["m1", "m2"], await secondary.MessageIdsAsync(partition));
        await client.NackAsync(queue, received["m1"].Str("receipt"), requeue: false);
        Assert.Equal(["m2"], await secondary.MessageIdsAsync(partition));
        Assert.Equal(["m1"], await secondary.MessageIdsAsync(deadPartition));
    }

    [Fact]
    public async Task A_hung_secondary_degrades_sync_queues_after_the_grace_period_throttles_async_ones_and_catches_up_when_it_resumes()
    {
        await using var service = await ServiceProcess.StartAsync(new ServiceProcessOptions { RegionConfiguration = regions.RegionConfiguration, Environment = FastFailure });
        using var client = service.CreateClient();
        var sync = await client.DeclareQueueAsync(new { replication = "sync" });
        var async = await client.DeclareQueueAsync(new { replication = "async", maxReplicationLagSeconds = 2 });
        await client.PublishTextAsync(sync, "before");
        await ServiceReplication.WaitUntilSynchronizedAsync(client, CatchUpTimeout);
        var since = DateTimeOffset.UtcNow;

        Assert.True(UnixSignals.Pause(regions.Secondary.ProcessId));
        TimeSpan first, rest;
        bool throttled;
        try
        {
            var clock = Stopwatch.StartNew();
            await client.PublishTextAsync(sync, "while hung 0");
            first = clock.Elapsed;
            clock.Restart();
            for (var i = 1; i <= 5; i++) await client.PublishTextAsync(sync, $"while hung {i}");
            rest = clock.Elapsed;
            var secondary = await ServiceReplication.WaitForSecondaryAsync(client, s => !s.GetProperty("synchronized").GetBoolean(), TimeSpan.FromSeconds(30), "not synchronized");
            Assert.False(secondary.GetProperty("reachable").GetBoolean());
            Assert.True(secondary.GetProperty("lagMessages").GetInt64() >= 6, secondary.ToString());
            throttled = await PublishUntilThrottledAsync(client, async, TimeSpan.FromSeconds(30));
        }
        finally
        {
            UnixSignals.Resume(regions.Secondary.ProcessId);
        }

        // The first publish waited out the grace period (and one hung attempt), the later ones did not wait at all.
        Assert.True(first < TimeSpan.FromSeconds(10), $"the first publish took {first}");
        Assert.True(rest < TimeSpan.FromSeconds(5), $"five publishes after the grace period took {rest}");
        Assert.True(throttled, "async publishes were never throttled while the secondary was behind");

        await ServiceReplication.WaitUntilSynchronizedAsync(client, CatchUpTimeout);
        await client.PublishTextAsync(async, "after catching up"); // no longer throttled
        var report = await ServiceReplication.CompareUntilEqualAsync(regions.Primary.ConnectionString, regions.Secondary.ConnectionString, client, CatchUpTimeout);
        Assert.True(report.Equal, report.Describe());

        var types = (await ServiceReplication.EventsSinceAsync(client, since)).Select(e => e.Str("type")).ToList();
        var degraded = types.IndexOf("Serverless.Replication.Degraded");
        var synchronized = types.IndexOf("Serverless.Replication.Synchronized");
        Assert.True(degraded >= 0 && synchronized > degraded, $"events: {string.Join(", ", types)}");
        Assert.Contains("Serverless.Replication.Lagging", types);
        Assert.Contains("Serverless.Flow.Throttled", types);
    }

    [Fact]
    public async Task A_secondary_killed_and_restarted_empty_is_filled_by_a_full_copy_deletes_included()
    {
        // Regions of its own: the class's other tests compare the shared primary with the shared secondary.
        var data = Path.Combine(regions.DataRoot, $"replaced-{Guid.NewGuid():N}");
        await using var primary = await AzuriteProcess.StartAsync(new AzuriteStartOptions { Location = Path.Combine(data, "primary") });
        await using var first = await AzuriteProcess.StartAsync(new AzuriteStartOptions { Location = Path.Combine(data, "first") });
        var endpoint = FreePort.Next();
        await using var forwarder = TcpForwarder.Start(endpoint, first.TablePort);
        var secondaryThroughForwarder = first.ConnectionString.Replace($":{first.TablePort}/", $":{endpoint}/", StringComparison.Ordinal);
        var configuration = new Dictionary<string, string?>(regions.RegionConfiguration)
        {
            ["Regions:Primary:ConnectionString"] = primary.ConnectionString,
            ["Regions:Secondary:ConnectionString"] = secondaryThroughForwarder,
        };
        await using var service = await ServiceProcess.StartAsync(new ServiceProcessOptions { RegionConfiguration = configuration, Environment = FastFailure });
        using var client = service.CreateClient();
        var sync = await client.DeclareQueueAsync(new { replication = "sync" });
        var async = await client.DeclareQueueAsync(new { replication = "async" });
        var doomed = await client.DeclareQueueAsync(new { replication = "sync" });
        await client.PublishBatchAsync(sync, [.. Enumerable.Range(0, 20).Select(i => new { body = $"s{i}", messageId = $"s{i}" })]);
        await client.PublishBatchAsync(async, [.. Enumerable.Range(0, 20).Select(i => new { body = i % 5 == 0 ? new string('L', 7000) : $"a{i}" })]);
        await client.PublishTextAsync(doomed, "gone with its queue");
        await ServiceReplication.WaitUntilSynchronizedAsync(client, CatchUpTimeout);
        var since = DateTimeOffset.UtcNow;

        first.KillHard();
        var received = await client.ReceiveAsync(sync, maxMessages: 5);
        await client.AckAsync(sync, [.. received.Select(m => m.Str("receipt"))]);
        await client.PublishBatchAsync(sync, [.. Enumerable.Range(20, 10).Select(i => new { body = $"s{i}", messageId = $"s{i}" })]);
        await client.DeleteAsync(ApiClient.QueuePath(doomed)).ExpectAsync(HttpStatusCode.NoContent);
        var declaredWhileAway = await client.DeclareQueueAsync(new { replication = "async" });
        await client.PublishTextAsync(declaredWhileAway, "declared while the secondary was away");
        await ServiceReplication.WaitForSecondaryAsync(client, s => !s.GetProperty("synchronized").GetBoolean(), TimeSpan.FromSeconds(30), "not synchronized");

        await using var replacement = await AzuriteProcess.StartAsync(new AzuriteStartOptions { Location = Path.Combine(data, "replacement") });
        forwarder.Retarget(replacement.TablePort);
        await ServiceReplication.WaitUntilSynchronizedAsync(client, CatchUpTimeout);

        var report = await ServiceReplication.CompareUntilEqualAsync(primary.ConnectionString, replacement.ConnectionString, client, CatchUpTimeout);
        Assert.True(report.Equal, report.Describe());
        Assert.Equal(20 - 5 + 10 + 20 + 1, report.Compared.Messages);
        var types = (await ServiceReplication.EventsSinceAsync(client, since)).Select(e => e.Str("type")).ToList();
        var degraded = types.IndexOf("Serverless.Replication.Degraded");
        Assert.True(degraded >= 0 && types.IndexOf("Serverless.Replication.Synchronized") > degraded, $"events: {string.Join(", ", types)}");
    }

    [Fact]
    public async Task Async_lag_stays_bounded_and_reported_at_a_steady_publish_rate()
    {
        await using var service = await ServiceProcess.StartAsync(new ServiceProcessOptions { RegionConfiguration = regions.RegionConfiguration });
        using var client = service.CreateClient();
        var async = await client.DeclareQueueAsync(new { replication = "async" });
        var samples = new List<double>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var sampling = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var replication = (await client.GetQueueAsync(async)).GetProperty("replication");
                Assert.Equal("async", replication.Str("mode"));
                samples.Add(replication.GetProperty("lagSeconds").GetDouble());
                await Task.Delay(200);
            }
        });
        var published = 0;
        var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (!stop.IsCancellationRequested && await tick.WaitForNextTickAsync())
        {
            await client.PublishTextAsync(async, $"steady {published++}");
        }
        await sampling;

        Assert.True(published >= 50, $"only {published} publishes in 10 s");
        Assert.True(samples.Count >= 20, $"only {samples.Count} lag samples");
        Assert.True(samples.Max() < 5, $"lag reached {samples.Max()} s at 10 publishes/s: {string.Join(' ', samples)}");
        await ServiceReplication.WaitUntilSynchronizedAsync(client, CatchUpTimeout);
        var settled = (await client.GetQueueAsync(async)).GetProperty("replication");
        Assert.Equal(0, settled.GetProperty("lagMessages").GetInt64());
        Assert.True(settled.GetProperty("synchronized").GetBoolean());
        // The wake-ups ran: a ReplicateChanges invocation that failed would be retried into the poison queue.
        var poison = new Azure.Storage.Queues.QueueClient(regions.Primary.ConnectionString, "replication-poison");
        Assert.False(await poison.ExistsAsync() && (await poison.GetPropertiesAsync()).Value.ApproximateMessagesCount > 0,
            "ReplicateChanges invocations failed: wake-ups reached the poison queue");
    }

    /// <summary>Publishes, receives and settles in a loop: acks, requeues, rejects (dead-letters), and leases left to end.</summary>
    private static async Task ProduceAndConsumeAsync(HttpClient client, string queue, CancellationToken stop)
    {
        for (var round = 0; !stop.IsCancellationRequested; round++)
        {
            var response = await client.PostJsonAsync($"{ApiClient.QueuePath(queue)}/publish", new
            {
                messages = Enumerable.Range(0, 5).Select(i => new
                {
                    body = i == 0 && round % 3 == 0 ? new string('L', 6000) : $"r{round}-{i}",
                    messageId = i % 2 == 0 ? $"{queue}-{round}-{i}" : null,
                    priority = i % 4,
                }).ToArray(),
            });
            // 201 when any message was enqueued; 200 when the length limit rejected them all (they went to the dead-letter queue).
            Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, $"publish: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            var received = await client.ReceiveAsync(queue, maxMessages: 4, visibilityTimeoutSeconds: 2);
            for (var i = 0; i < received.Length; i++)
            {
                var receipt = received[i].Str("receipt");
                _ = (i % 4) switch
                {
                    0 => await client.AckAsync(queue, receipt),
                    1 => await client.NackAsync(queue, receipt, requeue: true),
                    2 => await client.NackAsync(queue, receipt, requeue: false),
                    _ => Array.Empty<System.Text.Json.JsonElement>(), // left to its lease's end: redelivered later
                };
            }
        }
    }

    /// <summary>Declares, fills, purges and deletes short-lived queues of both modes.</summary>
    private static async Task ChurnQueuesAsync(HttpClient client, CancellationToken stop)
    {
        for (var round = 0; !stop.IsCancellationRequested; round++)
        {
            var queue = await client.DeclareQueueAsync(new { replication = round % 2 == 0 ? "sync" : "async" });
            await client.PublishBatchAsync(queue, new { body = "one" }, new { body = "two" }, new { body = "three" });
            await client.PostAsync($"{ApiClient.QueuePath(queue)}/purge", null).ExpectAsync(HttpStatusCode.OK);
            await client.PublishBatchAsync(queue, new { body = "four" }, new { body = "five" });
            if (round % 3 != 2) await client.DeleteAsync(ApiClient.QueuePath(queue)).ExpectAsync(HttpStatusCode.NoContent);
        }
    }

    /// <summary>Publishes to an async queue every 250 ms until one is answered 429 with Retry-After.</summary>
    private static async Task<bool> PublishUntilThrottledAsync(HttpClient client, string queue, TimeSpan timeout)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < timeout)
        {
            using var response = await client.PostJsonAsync($"{ApiClient.QueuePath(queue)}/publish", new { body = "async while hung" });
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.NotNull(response.Headers.RetryAfter);
                return true;
            }
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            await Task.Delay(250);
        }
        return false;
    }
}
