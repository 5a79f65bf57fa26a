using System.Globalization;
using Serverless.IntegrationTests.Messages;
using Serverless.Testing;

namespace Serverless.IntegrationTests.Hosting;

/// <summary>A service process that dies (SIGKILL, no shutdown) loses nothing confirmed: a new process on
/// the same regions delivers every message, the unacked leased ones again once their leases lapse.</summary>
public sealed class ServiceCrashTests(AzuriteRegionsFixture regions) : IClassFixture<AzuriteRegionsFixture>
{
    private const int Published = 50;
    private const int LeasedBeforeCrash = 20;
    private const int MaxConsecutiveEmptyReceives = 10;

    [Fact]
    public async Task Killed_service_loses_no_confirmed_message_and_its_leases_come_back()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var queue = QueueApi.NewQueueName("crash");
        var messageIds = Enumerable.Range(0, Published).Select(i => $"crash-{i.ToString("D2", CultureInfo.InvariantCulture)}").ToList();
        var leasedIds = new HashSet<string>(StringComparer.Ordinal);
        var leasesEnd = DateTimeOffset.MinValue;

        var first = await ServiceProcess.StartAsync(new ServiceProcessOptions { RegionConfiguration = regions.RegionConfiguration }, timeout.Token);
        try
        {
            using var client = first.CreateClient();
            await client.DeclareQueueAsync(queue, timeout.Token);
            await client.PublishAsync(queue, messageIds, timeout.Token);
            while (leasedIds.Count < LeasedBeforeCrash)
            {
                var leased = await client.ReceiveAsync(queue, LeasedBeforeCrash - leasedIds.Count, visibilityTimeoutSeconds: 3, cancellationToken: timeout.Token);
                Assert.NotEmpty(leased);
                foreach (var message in leased)
                {
                    Assert.True(leasedIds.Add(message.MessageId), $"{message.MessageId} leased twice");
                    leasesEnd = new[] { leasesEnd, message.VisibleUntil!.Value }.Max();
                }
            }

            first.KillHard();
            Assert.True(first.HasExited);
        }
        finally
        {
            await first.DisposeAsync();
        }

        var second = await ServiceProcess.StartAsync(
            new ServiceProcessOptions { RegionConfiguration = regions.RegionConfiguration, AdminKey = first.AdminKey }, timeout.Token);
        try
        {
            using var client = second.CreateClient();
            var wait = leasesEnd - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1);
            if (wait > TimeSpan.Zero) await Task.Delay(wait, timeout.Token);

            var delivered = new Dictionary<string, Delivery>(StringComparer.Ordinal);
            for (var empty = 0; delivered.Count < Published && empty < MaxConsecutiveEmptyReceives;)
            {
                var messages = await client.ReceiveAsync(queue, maxMessages: 10, visibilityTimeoutSeconds: 60, waitSeconds: 1, cancellationToken: timeout.Token);
                empty = messages.Count == 0 ? empty + 1 : 0;
                foreach (var message in messages) Assert.True(delivered.TryAdd(message.MessageId, message), $"{message.MessageId} delivered twice after the restart");
                if (messages.Count == 0) continue;
                var acks = await client.AckAsync(queue, messages.Select(m => m.Receipt!).ToList(), timeout.Token);
                Assert.All(acks, ack => Assert.Equal("acked", ack.Status));
            }

            Assert.Equal(messageIds, delivered.Keys.Order(StringComparer.Ordinal));
            Assert.All(leasedIds, id => Assert.True(delivered[id] is { Redelivered: true, DeliveryCount: 2 }, $"{id}: {delivered[id]}"));
            Assert.All(messageIds.Except(leasedIds), id => Assert.True(delivered[id] is { Redelivered: false, DeliveryCount: 1 }, $"{id}: {delivered[id]}"));
            Assert.Empty(await client.ReceiveAsync(queue, maxMessages: 10, visibilityTimeoutSeconds: 60, cancellationToken: timeout.Token));
            Assert.Equal(0, await client.TotalAsync(queue, timeout.Token));
        }
        finally
        {
            await second.DisposeAsync();
        }
    }
}
