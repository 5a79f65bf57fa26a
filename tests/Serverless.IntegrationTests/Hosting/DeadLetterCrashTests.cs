using System.Text.Json;
using Serverless.IntegrationTests.Functions;
using Serverless.Testing;

namespace Serverless.IntegrationTests.Hosting;

/// <summary>Dead-lettering is an idempotent move: a service killed (SIGKILL) in the middle of a burst of
/// dead-lettering leaves every message in exactly one place, its queue or the dead-letter queue, never both.</summary>
public sealed class DeadLetterCrashTests(AzuriteRegionsFixture regions) : IClassFixture<AzuriteRegionsFixture>
{
    private const int Messages = 200;

    [Fact]
    public async Task Killed_service_during_dead_lettering_leaves_each_message_in_exactly_one_place()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var ids = Enumerable.Range(0, Messages).Select(i => $"dl-{i:D3}").ToList();
        string work, dead;

        var first = await ServiceProcess.StartAsync(new ServiceProcessOptions { RegionConfiguration = regions.RegionConfiguration }, timeout.Token);
        try
        {
            using var client = first.CreateClient();
            dead = await client.DeclareQueueAsync();
            work = await client.DeclareQueueAsync(new Dictionary<string, object> { ["deadLetterExchange"] = "", ["deadLetterRoutingKey"] = dead });
            foreach (var batch in ids.Chunk(100)) await client.PublishBatchAsync(work, batch.Select(id => (object)new { body = id, messageId = id }).ToArray());

            var receipts = new List<string>();
            while (receipts.Count < Messages)
            {
                var leased = await client.ReceiveAsync(work, maxMessages: 100, visibilityTimeoutSeconds: 3);
                Assert.NotEmpty(leased);
                receipts.AddRange(leased.Select(m => m.Str("receipt")));
            }

            // Nack everything without requeue, one receipt per call, and kill the process mid-burst.
            var nacked = 0;
            var burst = Task.Run(async () =>
            {
                await Parallel.ForEachAsync(receipts, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (receipt, ct) =>
                {
                    try
                    {
                        await client.PostJsonAsync($"{ApiClient.QueuePath(work)}/nack", new { receipts = new[] { receipt }, requeue = false });
                        Interlocked.Increment(ref nacked);
                    }
                    catch (HttpRequestException)
                    {
                        // The process died under this call.
                    }
                });
            });
            while (Volatile.Read(ref nacked) < 30) await Task.Delay(5, timeout.Token);
            first.KillHard();
            await burst;
        }
        finally
        {
            await first.DisposeAsync();
        }

        var second = await ServiceProcess.StartAsync(new ServiceProcessOptions { RegionConfiguration = regions.RegionConfiguration, AdminKey = first.AdminKey }, timeout.Token);
        try
        {
            using var client = second.CreateClient();
            var seen = new Dictionary<string, string>(StringComparer.Ordinal);
            var deadline = DateTimeOffset.UtcNow.AddMinutes(1);
            while (seen.Count < Messages && DateTimeOffset.UtcNow < deadline)
            {
                // Leases of the messages never nacked lapse after 3 s; pending moves complete on the 5 s timer.
                foreach (var queue in new[] { work, dead })
                {
                    var messages = await client.ReceiveAsync(queue, maxMessages: 100, waitSeconds: 1, visibilityTimeoutSeconds: 60);
                    foreach (var message in messages)
                    {
                        var id = message.Str("messageId");
                        Assert.True(seen.TryAdd(id, queue), $"{id} is in {seen.GetValueOrDefault(id)} and in {queue}");
                    }
                    if (messages.Length > 0) await client.AckAsync(queue, messages.Select(m => m.Str("receipt")).ToArray());
                }
            }
            Assert.Equal(ids, seen.Keys.Order(StringComparer.Ordinal));
            // The kill landed mid-burst: some messages were dead-lettered, some never were.
            Assert.Contains(seen.Values, q => q == dead);
            Assert.Contains(seen.Values, q => q == work);
            await Task.Delay(TimeSpan.FromSeconds(6)); // one more timer pass: nothing may appear twice later
            Assert.Empty(await client.ReceiveAsync(work, maxMessages: 100));
            Assert.Empty(await client.ReceiveAsync(dead, maxMessages: 100));
        }
        finally
        {
            await second.DisposeAsync();
        }
    }
}
