using System.Diagnostics;
using System.Globalization;
using Serverless.DevHost.Local;
using Serverless.IntegrationTests.Messages;
using Serverless.Testing;

namespace Serverless.IntegrationTests.DevHost;

/// <summary>Crashes around devhost: a worker killed under devhost is replaced and loses nothing confirmed; a devhost
/// killed with <c>kill -9</c> leaves its worker and Azurite behind, and the next devhost on the same data root ends them.</summary>
public sealed class DevHostCrashTests(AzuriteRegionsFixture regions) : IClassFixture<AzuriteRegionsFixture>
{
    private const int Published = 30;
    private const int LeasedBeforeCrash = 10;

    [Fact]
    public async Task Killed_worker_is_restarted_and_its_leased_messages_come_back_with_nothing_confirmed_lost()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var queue = QueueApi.NewQueueName("worker-crash");
        var messageIds = Enumerable.Range(0, Published).Select(i => $"w-{i.ToString("D2", CultureInfo.InvariantCulture)}").ToList();
        await using var service = await ServiceProcess.StartAsync(new ServiceProcessOptions { RegionConfiguration = regions.RegionConfiguration }, timeout.Token);
        using var client = service.CreateClient();
        await client.DeclareQueueAsync(queue, timeout.Token);
        await client.PublishAsync(queue, messageIds, timeout.Token);
        var leased = await client.ReceiveAsync(queue, LeasedBeforeCrash, visibilityTimeoutSeconds: 3, cancellationToken: timeout.Token);
        Assert.Equal(LeasedBeforeCrash, leased.Count);
        var leasesEnd = leased.Max(m => m.VisibleUntil!.Value);

        var killed = service.KillWorker();

        // devhost answers again through a new worker (a request during the restart waits for it or gets a 503).
        var restarted = await WaitForNewWorkerAsync(service, killed, timeout.Token);
        Assert.NotEqual(killed, restarted);
        Assert.False(service.HasExited);
        var wait = leasesEnd - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1);
        if (wait > TimeSpan.Zero) await Task.Delay(wait, timeout.Token);

        var delivered = new Dictionary<string, Delivery>(StringComparer.Ordinal);
        for (var empty = 0; delivered.Count < Published && empty < 10;)
        {
            var messages = await client.ReceiveAsync(queue, maxMessages: 10, visibilityTimeoutSeconds: 60, waitSeconds: 1, cancellationToken: timeout.Token);
            empty = messages.Count == 0 ? empty + 1 : 0;
            foreach (var message in messages) Assert.True(delivered.TryAdd(message.MessageId, message), $"{message.MessageId} delivered twice");
            if (messages.Count > 0) await client.AckAsync(queue, messages.Select(m => m.Receipt!).ToList(), timeout.Token);
        }

        Assert.Equal(messageIds, delivered.Keys.Order(StringComparer.Ordinal));
        Assert.All(leased, m => Assert.True(delivered[m.MessageId] is { Redelivered: true, DeliveryCount: 2 }, $"{m.MessageId}: {delivered[m.MessageId]}"));
        Assert.Equal(0, await client.TotalAsync(queue, timeout.Token));
    }

    [Fact]
    public async Task Killed_devhost_leaves_no_worker_or_azurite_running_after_the_next_start()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var dataRoot = TestFolders.Create("serverless-devhost");
        try
        {
            // No regions configured: devhost starts the embedded two Azurite regions under the data root.
            var first = await ServiceProcess.StartAsync(new ServiceProcessOptions { DataRoot = dataRoot }, timeout.Token);
            var (workerPid, workerId) = ServiceProcess.RecordedWorkers(dataRoot).Single();
            var azurites = AzuritePids(dataRoot);
            Assert.Equal(2, azurites.Count);
            first.KillDevHostOnly();
            await first.DisposeKeepingChildrenAsync();
            Assert.True(ServiceProcess.IsRunningWorker(workerPid, workerId), "the worker should outlive a kill -9 of devhost");
            Assert.All(azurites, pid => Assert.True(IsAzuriteOf(pid, dataRoot), $"Azurite {pid} should outlive a kill -9 of devhost"));

            await using (var second = await ServiceProcess.StartAsync(new ServiceProcessOptions { DataRoot = dataRoot }, timeout.Token))
            {
                Assert.False(ServiceProcess.IsRunningWorker(workerPid, workerId), $"worker {workerPid} of the killed devhost still runs");
                Assert.All(azurites, pid => Assert.False(IsAzuriteOf(pid, dataRoot), $"Azurite {pid} of the killed devhost still runs"));
                using var client = second.CreateClient();
                using var health = await client.GetAsync("api/health", timeout.Token);
                Assert.True(health.IsSuccessStatusCode, await health.Content.ReadAsStringAsync(timeout.Token));
                var secondWorker = ServiceProcess.RecordedWorkers(dataRoot).Single();
                var secondAzurites = AzuritePids(dataRoot);
                await second.StopAsync();
                Assert.False(ServiceProcess.IsRunningWorker(secondWorker.Pid, secondWorker.WorkerId));
                Assert.All(secondAzurites, pid => Assert.False(IsAzuriteOf(pid, dataRoot), $"Azurite {pid} outlived a stopped devhost"));
            }
        }
        finally
        {
            foreach (var pid in AzuritePids(dataRoot).Where(pid => IsAzuriteOf(pid, dataRoot))) UnixSignals.Kill(pid);
            TestFolders.DeleteQuietly(dataRoot);
        }
    }

    private static async Task<int> WaitForNewWorkerAsync(ServiceProcess service, int killed, CancellationToken cancellationToken)
    {
        using var client = service.CreateClient();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (service.WorkerProcessId is { } pid && pid != killed)
            {
                using var response = await client.GetAsync("api/health", cancellationToken);
                if (response.IsSuccessStatusCode) return pid;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "devhost did not start a new worker within 60 s");
            await Task.Delay(200, cancellationToken);
        }
    }

    private static List<int> AzuritePids(string dataRoot)
    {
        var path = Path.Combine(dataRoot, "azurite.pids");
        return File.Exists(path)
            ? File.ReadAllLines(path).Select(l => int.Parse(l, CultureInfo.InvariantCulture)).ToList()
            : [];
    }

    private static bool IsAzuriteOf(int pid, string dataRoot) =>
        ProcessCommandLine.Read(pid).Any(a => a.StartsWith(dataRoot, StringComparison.Ordinal));
}
