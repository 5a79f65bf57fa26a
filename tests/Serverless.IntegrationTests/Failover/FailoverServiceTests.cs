using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Serverless.DevHost.Local;
using Serverless.IntegrationTests.Functions;
using Serverless.IntegrationTests.Hosting;
using Serverless.IntegrationTests.Replication;
using Serverless.Testing;
using Xunit.Abstractions;

namespace Serverless.IntegrationTests.Failover;

/// <summary>Failover as a user meets it: the real service through devhost over two real Azurite regions of the test's
/// own, under a continuous publish + consume load, with the primary region killed (SIGKILL), hung (SIGSTOP) or handed
/// over on purpose.</summary>
public sealed class FailoverServiceTests(AzuriteRegionsFixture regions, ITestOutputHelper output) : IClassFixture<AzuriteRegionsFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    /// <summary>A dead region must cost a request seconds: 2 s per attempt, no retries, 2 s of grace.</summary>
    private static readonly Dictionary<string, string?> FastFailure = new()
    {
        ["Replication:SyncGraceSeconds"] = "2",
        ["Storage:NetworkTimeout"] = "00:00:02",
        ["Storage:MaxRetries"] = "0",
    };

    [Fact]
    public async Task Killing_the_primary_promotes_the_synchronized_secondary_automatically_and_no_confirmed_sync_publish_is_lost()
    {
        await using var pair = await RegionPairProcesses.StartAsync(regions.DataRoot);
        await using var service = await ServiceProcess.StartAsync(new ServiceProcessOptions { RegionConfiguration = pair.Configuration, Environment = FastFailure });
        using var client = service.CreateClient();
        var queue = await client.DeclareQueueAsync(new { replication = "sync", visibilityTimeoutSeconds = 5 });
        await ServiceReplication.WaitUntilSynchronizedAsync(client, Patience);
        await using var load = new FailoverLoad(client, queue, "sync");
        load.Start();
        await Task.Delay(TimeSpan.FromSeconds(3));

        var killedAt = load.Elapsed;
        var since = DateTimeOffset.UtcNow;
        pair.First.KillHard();
        var topology = await WaitForPrimaryAsync(client, RegionPairProcesses.SecondName);
        var firstWrite = await WaitForAsync(() => load.FirstPublishSentAfter(killedAt), "a publish after the kill");
        await Task.Delay(TimeSpan.FromSeconds(3));
        await load.StopPublishingAsync();
        await load.DrainAsync(quiet: TimeSpan.FromSeconds(8), timeout: Patience);

        var rto = firstWrite - killedAt;
        output.WriteLine($"confirmed {load.Confirmed.Count}, delivered {load.Delivered.Count} ({load.Delivered.Distinct().Count()} distinct, {load.Duplicates} duplicates), " +
            $"RTO {rto.TotalSeconds:0.0} s, lost {load.Lost.Count}; failover {topology.GetProperty("lastFailover")}");
        Assert.Empty(load.Lost);
        Assert.True(rto <= TimeSpan.FromSeconds(30), $"RTO {rto.TotalSeconds:0.0} s");
        Assert.Equal(2, topology.GetProperty("epoch").GetInt64());
        Assert.Equal("forced", topology.GetProperty("lastFailover").Str("mode"));
        var types = await WaitForEventsAsync(client, since, "Serverless.Failover.Completed");
        var started = types.IndexOf("Serverless.Failover.Started");
        Assert.True(started >= 0 && types.IndexOf("Serverless.Failover.Completed") > started, $"events: {string.Join(", ", types)}");
    }

    [Fact]
    public async Task A_hung_primary_of_async_queues_under_load_is_replaced_automatically_and_what_it_stranded_comes_back_when_it_resumes()
    {
        await using var pair = await RegionPairProcesses.StartAsync(regions.DataRoot);
        await using var service = await ServiceProcess.StartAsync(new ServiceProcessOptions { RegionConfiguration = pair.Configuration, Environment = FastFailure });
        using var client = service.CreateClient();
        var queue = await client.DeclareQueueAsync(new { replication = "async", visibilityTimeoutSeconds = 5, maxReplicationLagSeconds = 3600 });
        await ServiceReplication.WaitUntilSynchronizedAsync(client, Patience);
        await using var load = new FailoverLoad(client, queue, "async");
        load.Start();
        await Task.Delay(TimeSpan.FromSeconds(4));

        // Hung, not killed: its data survives (a killed Azurite loses its last seconds of writes), so it can be reconciled.
        var hungAt = load.Elapsed;
        UnixSignals.Pause(pair.First.ProcessId);
        var topology = await WaitForPrimaryAsync(client, RegionPairProcesses.SecondName);
        var firstWrite = await WaitForAsync(() => load.FirstPublishSentAfter(hungAt), "a publish after the primary hung");
        await Task.Delay(TimeSpan.FromSeconds(3));
        await load.StopPublishingAsync();
        await load.DrainAsync(quiet: TimeSpan.FromSeconds(8), timeout: Patience);
        var reported = topology.GetProperty("lastFailover").GetProperty("unreplicatedMessages").GetInt64();
        var missing = load.Lost;
        output.WriteLine($"after the failover: confirmed {load.Confirmed.Count}, missing {missing.Count}, reported unreplicated {reported}, RTO {(firstWrite - hungAt).TotalSeconds:0.0} s");
        Assert.True(missing.Count <= reported, $"missing {missing.Count} > reported {reported}");

        UnixSignals.Resume(pair.First.ProcessId);
        var recovered = await WaitForRecoveredAsync(client);
        await using var after = new FailoverLoad(client, queue, "after");
        after.Start(publisherCount: 0, consumerCount: 1);
        await after.DrainAsync(quiet: TimeSpan.FromSeconds(8), timeout: Patience);
        var delivered = load.Delivered.Concat(after.Delivered).ToHashSet();
        var lost = load.Confirmed.Keys.Where(id => !delivered.Contains(id)).Order().ToList();
        output.WriteLine($"after the old primary returned: recovered {recovered}, distinct delivered {delivered.Count}, lost {lost.Count}: {string.Join(", ", lost.Take(10))}");
        Assert.Empty(lost);
        Assert.True(recovered >= missing.Count, $"recovered {recovered} < missing {missing.Count}");
    }

    [Fact]
    public async Task A_planned_failover_under_load_loses_nothing_redelivers_no_acked_message_and_a_planned_failback_leaves_the_stores_equal()
    {
        await using var pair = await RegionPairProcesses.StartAsync(regions.DataRoot);
        await using var service = await ServiceProcess.StartAsync(new ServiceProcessOptions { RegionConfiguration = pair.Configuration, Environment = FastFailure });
        using var client = service.CreateClient();
        var queue = await client.DeclareQueueAsync(new { replication = "sync", visibilityTimeoutSeconds = 5 });
        var kept = await client.DeclareQueueAsync(new { replication = "async" });
        await client.PublishBatchAsync(kept, [.. Enumerable.Range(0, 30).Select(i => new { body = $"kept-{i}", messageId = $"kept-{i}" })]);
        await ServiceReplication.WaitUntilSynchronizedAsync(client, Patience);
        await using var load = new FailoverLoad(client, queue, "planned");
        load.Start();
        await Task.Delay(TimeSpan.FromSeconds(3));

        var requestedAt = load.Elapsed;
        var answer = await client.PostJsonAsync("api/v1/topology/failover", new { mode = "planned" }).ExpectAsync(HttpStatusCode.OK);
        var answeredAt = load.Elapsed;
        Assert.Equal(RegionPairProcesses.SecondName, answer.Str("primary"));
        await Task.Delay(TimeSpan.FromSeconds(3));
        await load.StopPublishingAsync();
        await load.DrainAsync(quiet: TimeSpan.FromSeconds(8), timeout: Patience);

        var pause = load.LongestPublishGapAfter(requestedAt);
        output.WriteLine($"planned: answered in {(answeredAt - requestedAt).TotalSeconds:0.0} s, longest publish gap {pause.TotalSeconds:0.0} s; confirmed {load.Confirmed.Count}, " +
            $"delivered {load.Delivered.Count}, lost {load.Lost.Count}, delivered after ack {load.DeliveredAfterAck.Count}");
        Assert.Empty(load.Lost);
        Assert.Empty(load.DeliveredAfterAck);
        Assert.Equal(30, (await client.CountsAsync(kept)).Ready);

        var back = await client.PostJsonAsync("api/v1/topology/failover", new { mode = "planned" }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(RegionPairProcesses.FirstName, back.Str("primary"));
        Assert.Equal(3, back.GetProperty("epoch").GetInt64());
        await ServiceReplication.WaitUntilSynchronizedAsync(client, Patience);
        var report = await ServiceReplication.CompareUntilEqualAsync(pair.First.ConnectionString, pair.Second.ConnectionString, client, Patience);
        Assert.True(report.Equal, report.Describe());
        Assert.Equal(30, (await client.CountsAsync(kept)).Ready);
    }

    [Fact]
    public async Task WhenSynced_refuses_to_promote_a_degraded_secondary_and_says_so_then_always_promotes_it()
    {
        await using var pair = await RegionPairProcesses.StartAsync(regions.DataRoot);
        await using var service = await ServiceProcess.StartAsync(new ServiceProcessOptions { RegionConfiguration = pair.Configuration, Environment = FastFailure });
        using var client = service.CreateClient();
        var queue = await client.DeclareQueueAsync(new { replication = "sync" });
        await ServiceReplication.WaitUntilSynchronizedAsync(client, Patience);

        // The secondary hangs; a sync publish waits out the grace and degrades it; then the primary dies and the
        // secondary answers again, but it never caught up (the primary is gone): not synchronized.
        UnixSignals.Pause(pair.Second.ProcessId);
        await client.PublishTextAsync(queue, "only in the primary", "p-1");
        await client.PublishTextAsync(queue, "only in the primary too", "p-2");
        pair.First.KillHard();
        UnixSignals.Resume(pair.Second.ProcessId);

        await Task.Delay(TimeSpan.FromSeconds(25)); // 3 failed probes 5 s apart, and then some
        var topology = await client.GetAsync("api/v1/topology").ExpectAsync(HttpStatusCode.OK);
        output.WriteLine($"after the refusal: {topology}");
        Assert.Equal(RegionPairProcesses.FirstName, topology.Str("primary"));
        Assert.Equal(1, topology.GetProperty("epoch").GetInt64());
        Assert.Contains(service.OutputLines, l => l.Contains("not synchronized and autoFailover.promote is whenSynced", StringComparison.Ordinal));

        var settings = await client.PutJsonAsync("api/v1/topology/auto-failover", new { promote = "always" }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("always", settings.Str("promote"));
        var promoted = await WaitForPrimaryAsync(client, RegionPairProcesses.SecondName);
        Assert.Equal("forced", promoted.GetProperty("lastFailover").Str("mode"));
        var types = await WaitForEventsAsync(client, DateTimeOffset.UtcNow.AddMinutes(-5), "Serverless.Failover.Completed");
        output.WriteLine($"events: {string.Join(", ", types)}");
        Assert.Contains(types, t => t == "Serverless.Region.Unreachable");
        Assert.True(types.IndexOf("Serverless.Failover.Started") < types.IndexOf("Serverless.Failover.Completed"), string.Join(", ", types));
    }

    [Fact]
    public async Task A_forced_failover_of_async_queues_reports_what_may_be_missing_and_recovers_it_when_the_old_primary_returns()
    {
        await using var pair = await RegionPairProcesses.StartAsync(regions.DataRoot);
        // The secondary behind a forwarder that can cut it off cleanly (a stopped process would still take, on resume,
        // the requests its socket buffered, and receive the changes after all).
        var endpoint = FreePort.Next();
        await using var forwarder = TcpForwarder.Start(endpoint, pair.Second.TablePort);
        var configuration = pair.Configuration;
        configuration["Regions:Secondary:ConnectionString"] = pair.Second.ConnectionString.Replace($":{pair.Second.TablePort}/", $":{endpoint}/", StringComparison.Ordinal);
        await using var service = await ServiceProcess.StartAsync(new ServiceProcessOptions { RegionConfiguration = configuration, Environment = FastFailure });
        using var client = service.CreateClient();
        await client.PutJsonAsync("api/v1/topology/auto-failover", new { enabled = false }).ExpectAsync(HttpStatusCode.OK);
        var queue = await client.DeclareQueueAsync(new { replication = "async", maxReplicationLagSeconds = 3600 });
        await client.PublishBatchAsync(queue, [.. Enumerable.Range(0, 20).Select(i => new { body = $"shipped-{i}", messageId = $"shipped-{i}" })]);
        await ServiceReplication.WaitUntilSynchronizedAsync(client, Patience);

        // The secondary is cut off while 30 more are confirmed by the primary alone; then the primary hangs (its data kept).
        forwarder.Cut();
        await client.PublishBatchAsync(queue, [.. Enumerable.Range(0, 30).Select(i => new { body = $"stranded-{i}", messageId = $"stranded-{i}" })]);
        var declaredWhileCut = await client.DeclareQueueAsync(new { replication = "async" });
        await client.PublishBatchAsync(declaredWhileCut, [.. Enumerable.Range(0, 5).Select(i => new { body = $"late-{i}", messageId = $"late-{i}" })]);
        await ServiceReplication.WaitForSecondaryAsync(client, s => s.GetProperty("lagMessages").GetInt64() >= 30, Patience, "lag of the stranded messages");
        UnixSignals.Pause(pair.First.ProcessId);
        forwarder.Restore();

        var failoverTime = System.Diagnostics.Stopwatch.StartNew();
        var forced = await client.PostJsonAsync("api/v1/topology/failover", new { mode = "forced" }).ExpectAsync(HttpStatusCode.OK);
        output.WriteLine($"the forced failover answered in {failoverTime.Elapsed.TotalSeconds:F2} s with the old primary hung");
        Assert.Equal(RegionPairProcesses.SecondName, forced.Str("primary"));
        var unreplicated = forced.GetProperty("unreplicatedMessages").GetInt64();
        var (readyAfterFailover, _, _, _) = await client.CountsAsync(queue);
        var missing = 50 - readyAfterFailover;
        output.WriteLine($"forced: unreplicatedMessages {unreplicated}, missing after failover {missing}");
        Assert.True(missing <= unreplicated, $"missing {missing} > reported {unreplicated}");
        Assert.True(missing > 0, "nothing was stranded: the test did not cut the secondary off");
        await client.PublishTextAsync(queue, "after the failover", "after-1");

        UnixSignals.Resume(pair.First.ProcessId);
        var reconciled = await WaitForRecoveredAsync(client);
        output.WriteLine($"recovered {reconciled}");

        var delivered = await ReceiveAndAckAllAsync(client, queue);
        var expected = Enumerable.Range(0, 20).Select(i => $"shipped-{i}").Concat(Enumerable.Range(0, 30).Select(i => $"stranded-{i}")).Append("after the failover").Order().ToList();
        Assert.Equal(expected, delivered.Distinct().Order().ToList());
        Assert.Equal(delivered.Count, delivered.Distinct().Count());
        // A queue declared while the secondary was cut off comes back with its messages too.
        var late = await client.ReceiveAsync(declaredWhileCut, maxMessages: 10);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"late-{i}"), late.Select(m => m.Str("body")).Order());
        await ServiceReplication.WaitUntilSynchronizedAsync(client, Patience);
        var report = await ServiceReplication.CompareUntilEqualAsync(pair.Second.ConnectionString, pair.First.ConnectionString, client, Patience);
        Assert.True(report.Equal, report.Describe());
        Assert.True(reconciled >= 30, $"recovered {reconciled}");
    }

    [Fact]
    public async Task An_instance_with_a_stale_topology_cannot_make_a_confirmed_write_disappear()
    {
        await using var pair = await RegionPairProcesses.StartAsync(regions.DataRoot);
        await using var first = await ServiceProcess.StartAsync(new ServiceProcessOptions { RegionConfiguration = pair.Configuration, Environment = FastFailure });
        await using var second = await ServiceProcess.StartAsync(new ServiceProcessOptions { RegionConfiguration = pair.Configuration, Environment = FastFailure, AdminKey = first.AdminKey });
        using var one = first.CreateClient();
        using var two = second.CreateClient();
        await one.PutJsonAsync("api/v1/topology/auto-failover", new { enabled = false }).ExpectAsync(HttpStatusCode.OK);
        var queue = await one.DeclareQueueAsync(new { replication = "async", maxReplicationLagSeconds = 3600 });
        await ServiceReplication.WaitUntilSynchronizedAsync(one, Patience);
        await using var loadOne = new FailoverLoad(one, queue, "one");
        await using var loadTwo = new FailoverLoad(two, queue, "two");
        loadOne.Start(publisherCount: 2, consumerCount: 0);
        loadTwo.Start(publisherCount: 2, consumerCount: 0);
        await Task.Delay(TimeSpan.FromSeconds(3));

        // Both regions answer: the second instance goes on writing the old primary until its cache expires.
        var forced = await one.PostJsonAsync("api/v1/topology/failover", new { mode = "forced" }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(RegionPairProcesses.SecondName, forced.Str("primary"));
        await Task.Delay(TimeSpan.FromSeconds(5));
        await loadOne.StopPublishingAsync();
        await loadTwo.StopPublishingAsync();
        var recovered = await WaitForRecoveredAsync(one);
        await ServiceReplication.WaitUntilSynchronizedAsync(one, Patience);

        var delivered = await ReceiveAndAckAllAsync(one, queue);
        var confirmed = loadOne.Confirmed.Keys.Concat(loadTwo.Confirmed.Keys).ToHashSet();
        var lost = confirmed.Where(id => !delivered.Contains(id)).Order().ToList();
        output.WriteLine($"confirmed {loadOne.Confirmed.Count} + {loadTwo.Confirmed.Count}, delivered {delivered.Count} ({delivered.Distinct().Count()} distinct), " +
            $"recovered by reconciliation {recovered}, lost {lost.Count}: {string.Join(", ", lost.Take(10))}, " +
            $"delivered twice: {string.Join(", ", delivered.GroupBy(id => id).Where(g => g.Count() > 1).Select(g => g.Key))}");
        output.WriteLine($"failed calls (retried): one {string.Join(", ", loadOne.Failures.Take(20))}; two {string.Join(", ", loadTwo.Failures.Take(20))}");
        Assert.Empty(lost);
        Assert.Equal(delivered.Count, delivered.Distinct().Count());
    }

    [Fact]
    public async Task A_failover_that_cannot_run_is_refused_with_409_and_bad_input_with_400_naming_the_field()
    {
        await using var pair = await RegionPairProcesses.StartAsync(regions.DataRoot);
        await using var service = await ServiceProcess.StartAsync(new ServiceProcessOptions { RegionConfiguration = pair.Configuration, Environment = FastFailure });
        using var client = service.CreateClient();
        await client.PostJsonAsync("api/v1/topology/failover", new { mode = "sideways" }).ExpectProblemAsync(HttpStatusCode.BadRequest, "mode");
        await client.PostJsonAsync("api/v1/topology/failover", new { }).ExpectProblemAsync(HttpStatusCode.BadRequest, "mode");
        await client.PutJsonAsync("api/v1/topology/auto-failover", new { probeIntervalSeconds = 0, promote = "sometimes" })
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "probeIntervalSeconds", "promote");
        await client.PutJsonAsync("api/v1/topology/auto-failover", new { enabled = false }).ExpectAsync(HttpStatusCode.OK);
        var queue = await client.DeclareQueueAsync(new { replication = "sync", visibilityTimeoutSeconds = 600 });
        await client.PublishTextAsync(queue, "in flight during the failover", "leased-1");
        var leased = await client.ReceiveOneAsync(queue);
        Assert.False(leased.GetProperty("redelivered").GetBoolean());
        await ServiceReplication.WaitUntilSynchronizedAsync(client, Patience);

        UnixSignals.Pause(pair.Second.ProcessId);
        var noSecondary = await client.PostJsonAsync("api/v1/topology/failover", new { mode = "forced" }).ExpectProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("cannot be promoted", noSecondary.Str("detail"), StringComparison.Ordinal);
        UnixSignals.Resume(pair.Second.ProcessId);

        UnixSignals.Pause(pair.First.ProcessId);
        var noPrimary = await client.PostJsonAsync("api/v1/topology/failover", new { mode = "planned" }).ExpectProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("use forced", noPrimary.Str("detail"), StringComparison.Ordinal);
        var forced = await client.PostJsonAsync("api/v1/topology/failover", new { mode = "forced" }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(RegionPairProcesses.SecondName, forced.Str("primary"));
        Assert.Equal(2, forced.GetProperty("epoch").GetInt64());

        // Leases do not survive the promotion: the message leased for 10 minutes in the old primary is ready at once.
        var again = await client.ReceiveOneAsync(queue);
        Assert.Equal("leased-1", again.Str("messageId"));
        Assert.True(again.GetProperty("redelivered").GetBoolean());
        var stale = await client.AckAsync(queue, leased.Str("receipt"));
        Assert.Equal("stale", stale.Single().Str("status"));
        Assert.Equal("acked", (await client.AckAsync(queue, again.Str("receipt"))).Single().Str("status"));
    }

    [Fact]
    public async Task A_length_limit_holds_in_the_promoted_region_and_again_after_failing_back()
    {
        await using var pair = await RegionPairProcesses.StartAsync(regions.DataRoot);
        await using var service = await ServiceProcess.StartAsync(new ServiceProcessOptions { RegionConfiguration = pair.Configuration, Environment = FastFailure });
        using var client = service.CreateClient();
        var queue = await client.DeclareQueueAsync(new { replication = "sync", maxLength = 5, overflow = "rejectPublish" });
        await client.PublishBatchAsync(queue, [.. Enumerable.Range(0, 5).Select(i => new { body = $"m{i}" })]);
        await ServiceReplication.WaitUntilSynchronizedAsync(client, Patience);

        var forced = await client.PostJsonAsync("api/v1/topology/failover", new { mode = "forced" }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(RegionPairProcesses.SecondName, forced.Str("primary"));
        await ServiceReplication.WaitUntilSynchronizedAsync(client, Patience);
        // The promoted region counts the shard anew (a replica's head has no count): a sixth message is refused.
        await WaitForStatusAsync(client, queue, "rejected", undoEnqueued: true);
        Assert.Equal(5, (await client.CountsAsync(queue)).Ready);
        foreach (var message in await client.ReceiveAsync(queue, maxMessages: 2)) await client.AckAsync(queue, message.Str("receipt"));

        // Back to the first region, whose own count (5, from when it was primary) is no longer true: it counts anew too.
        var back = await client.PostJsonAsync("api/v1/topology/failover", new { mode = "planned" }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(RegionPairProcesses.FirstName, back.Str("primary"));
        await ServiceReplication.WaitUntilSynchronizedAsync(client, Patience);
        await WaitForStatusAsync(client, queue, "enqueued", undoEnqueued: false);
        await WaitForStatusAsync(client, queue, "enqueued", undoEnqueued: false);
        await WaitForStatusAsync(client, queue, "rejected", undoEnqueued: true);
        Assert.Equal(5, (await client.CountsAsync(queue)).Ready);
    }

    /// <summary>Publishes one message until its status is <paramref name="expected"/> (a count being redone may answer
    /// otherwise for a moment); an unexpected enqueue is taken back when asked.</summary>
    private static async Task WaitForStatusAsync(HttpClient client, string queue, string expected, bool undoEnqueued) =>
        await WaitForAsync(async () =>
        {
            using var response = await client.PostJsonAsync($"{ApiClient.QueuePath(queue)}/publish", new { body = "one more" });
            var result = (await response.ReadJsonAsync()).GetProperty("results")[0].Str("status");
            if (result == expected) return (bool?)true;
            if (result == "enqueued" && undoEnqueued)
            {
                var extra = await client.ReceiveOneAsync(queue);
                await client.AckAsync(queue, extra.Str("receipt"));
            }
            await Task.Delay(500);
            return null;
        }, $"a publish {expected}");

    /// <summary>The event types since <paramref name="since"/>, once <paramref name="last"/> is among them (events are
    /// written in the background, and those raised while no region took writes wait for one).</summary>
    private static async Task<List<string>> WaitForEventsAsync(HttpClient client, DateTimeOffset since, string last)
    {
        var types = new List<string>();
        await WaitForAsync(async () =>
        {
            types = (await ServiceReplication.EventsSinceAsync(client, since)).Select(e => e.Str("type")).ToList();
            return types.Contains(last) ? (bool?)true : null;
        }, last);
        return types;
    }

    /// <summary>The messages the old primary gave back, once the reconciliation after a forced failover is done.</summary>
    private static Task<long> WaitForRecoveredAsync(HttpClient client) =>
        WaitForAsync(async () =>
        {
            var topology = await client.GetAsync("api/v1/topology").ExpectAsync(HttpStatusCode.OK);
            return topology.GetProperty("lastFailover").TryGetProperty("recoveredMessages", out var recovered) && recovered.ValueKind == JsonValueKind.Number
                ? (long?)recovered.GetInt64() : null;
        }, "the reconciliation");

    /// <summary>Receives and acks until three receives in a row find nothing; the bodies in delivery order.</summary>
    private async Task<List<string>> ReceiveAndAckAllAsync(HttpClient client, string queue)
    {
        var delivered = new List<string>();
        var first = new Dictionary<string, JsonElement>();
        for (var empty = 0; empty < 3;)
        {
            var messages = await client.ReceiveAsync(queue, maxMessages: 10);
            if (messages.Length == 0)
            {
                empty++;
                continue;
            }
            var acks = await client.AckAsync(queue, [.. messages.Select(m => m.Str("receipt"))]);
            foreach (var (message, ack) in messages.Zip(acks))
            {
                // What a failure needs to tell a redelivery (not acked) from a second copy (acked twice).
                if (ack.Str("status") != "acked") output.WriteLine($"not acked: {message} {ack}");
                if (!first.TryAdd(message.Str("body"), message)) output.WriteLine($"delivered again: {message}, first {first[message.Str("body")]}");
                delivered.Add(message.Str("body"));
            }
        }
        return delivered;
    }

    private static async Task<JsonElement> WaitForPrimaryAsync(HttpClient client, string primary) =>
        (await WaitForAsync(async () =>
        {
            try
            {
                var topology = await client.GetAsync("api/v1/topology").ExpectAsync(HttpStatusCode.OK);
                return topology.Str("primary") == primary ? (JsonElement?)topology : null;
            }
            catch (Exception failure) when (failure is HttpRequestException or TaskCanceledException or Xunit.Sdk.XunitException)
            {
                return null;
            }
        }, $"{primary} primary"));

    private static Task<T> WaitForAsync<T>(Func<T?> probe, string what) where T : struct => WaitForAsync(() => Task.FromResult(probe()), what);

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe, string what) where T : struct
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < Patience)
        {
            if (await probe() is { } value) return value;
            await Task.Delay(250);
        }
        throw new TimeoutException($"No {what} within {Patience.TotalSeconds:0} s.");
    }
}
