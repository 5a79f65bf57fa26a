using System.Collections.Concurrent;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.DevHost.Triggers;
using Serverless.Testing;

namespace Serverless.IntegrationTests.DevHost;

/// <summary>devhost's queue trigger against a real (Azurite) storage queue, as the host's: base64 messages, deleted
/// after a successful run, retried after a failed one, moved to &lt;queue&gt;-poison after the last allowed delivery.</summary>
public sealed class QueueTriggerPollerTests(AzuriteRegionsFixture regions) : IClassFixture<AzuriteRegionsFixture>
{
    private static readonly QueueClientOptions Base64 = new() { MessageEncoding = QueueMessageEncoding.Base64 };

    [Fact]
    public async Task Successful_run_gets_the_text_and_metadata_and_deletes_the_message()
    {
        var (queue, poison) = await NewQueuesAsync();
        await queue.SendMessageAsync("hello");
        var runs = new ConcurrentBag<QueueDelivery>();
        var poller = Poller(queue, poison, (message, _) => { runs.Add(message); return Task.FromResult(true); });

        Assert.Equal(1, await poller.PollOnceAsync());

        var run = Assert.Single(runs);
        Assert.Equal("hello", run.Body.ToString());
        Assert.Equal(1, run.DequeueCount);
        Assert.NotNull(run.InsertedOn);
        Assert.Equal(0, await CountAsync(queue));
        Assert.Equal(0, await poller.PollOnceAsync());
    }

    [Fact]
    public async Task Failed_run_leaves_the_message_for_a_retry_and_the_fifth_failure_moves_it_to_the_poison_queue()
    {
        var (queue, poison) = await NewQueuesAsync();
        await queue.SendMessageAsync("fails");
        var dequeueCounts = new List<long>();
        var poller = Poller(queue, poison, (message, _) => { dequeueCounts.Add(message.DequeueCount); return Task.FromResult(false); });

        for (var delivery = 1; delivery <= 4; delivery++)
        {
            Assert.Equal(1, await poller.PollOnceAsync());
            Assert.Equal(1, await CountAsync(queue));
            Assert.False((await poison.ExistsAsync()).Value);
        }

        Assert.Equal(1, await poller.PollOnceAsync());

        Assert.Equal([1L, 2L, 3L, 4L, 5L], dequeueCounts);
        Assert.Equal(0, await CountAsync(queue));
        var poisoned = Assert.Single((await poison.ReceiveMessagesAsync(10)).Value);
        Assert.Equal("fails", poisoned.Body.ToString());
    }

    [Fact]
    public async Task A_run_that_throws_counts_as_failed_and_a_missing_queue_as_empty()
    {
        var (queue, poison) = await NewQueuesAsync();
        var missing = new QueueClient(regions.Primary.ConnectionString, $"missing-{Guid.NewGuid():N}", Base64);
        await queue.SendMessageAsync("throws");
        var poller = Poller(queue, poison, (_, _) => throw new InvalidOperationException("boom"));

        Assert.Equal(1, await poller.PollOnceAsync());
        Assert.Equal(0, await Poller(missing, poison, (_, _) => Task.FromResult(true)).PollOnceAsync());

        Assert.Equal(1, await CountAsync(queue));
    }

    private QueueTriggerPoller Poller(QueueClient queue, QueueClient poison, Func<QueueDelivery, CancellationToken, Task<bool>> run) =>
        new(queue, poison, new QueuePollingOptions { MaxDequeueCount = 5, RetryDelay = TimeSpan.Zero }, run, NullLogger.Instance);

    private async Task<(QueueClient Queue, QueueClient Poison)> NewQueuesAsync()
    {
        var name = $"work-{Guid.NewGuid():N}";
        var queue = new QueueClient(regions.Primary.ConnectionString, name, Base64);
        await queue.CreateAsync();
        return (queue, new QueueClient(regions.Primary.ConnectionString, name + "-poison", Base64));
    }

    private static async Task<int> CountAsync(QueueClient queue) => (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount;
}
