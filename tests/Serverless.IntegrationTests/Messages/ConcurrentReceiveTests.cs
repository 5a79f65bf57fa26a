using System.Collections.Concurrent;
using System.Globalization;
using Serverless.Testing;
using Xunit.Abstractions;

namespace Serverless.IntegrationTests.Messages;

/// <summary>Competing consumers over HTTP: a lease is exclusive, so concurrent receivers split the queue
/// between them with no message delivered twice and none left behind.</summary>
[Collection(ServiceCollection.Name)]
public sealed class ConcurrentReceiveTests(ServiceFixture service, ITestOutputHelper output)
{
    private const int MessageCount = 2000;
    private const int PublishBatch = 100;
    private const int Receivers = 8;
    private const int MaxConsecutiveEmptyReceives = 20;

    private readonly HttpClient _client = service.Client;

    [Fact]
    public async Task Concurrent_receivers_get_every_message_exactly_once_and_ack_them_all()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var queue = QueueApi.NewQueueName("concurrent");
        await _client.DeclareQueueAsync(queue, timeout.Token);
        var published = Enumerable.Range(0, MessageCount).Select(i => $"m-{i.ToString("D4", CultureInfo.InvariantCulture)}").ToList();
        foreach (var batch in published.Chunk(PublishBatch))
        {
            await _client.PublishAsync(queue, batch, timeout.Token);
        }

        var deliveries = new ConcurrentQueue<(int Receiver, Delivery Message)>();
        var ackStatuses = new ConcurrentQueue<string>();
        var acked = 0;
        var started = DateTime.UtcNow;

        async Task ReceiveLoopAsync(int receiver)
        {
            var empty = 0;
            while (Volatile.Read(ref acked) < MessageCount && empty < MaxConsecutiveEmptyReceives)
            {
                var messages = await _client.ReceiveAsync(queue, maxMessages: 10, visibilityTimeoutSeconds: 60, cancellationToken: timeout.Token);
                if (messages.Count == 0)
                {
                    empty++;
                    await Task.Delay(TimeSpan.FromMilliseconds(100), timeout.Token);
                    continue;
                }
                empty = 0;
                foreach (var message in messages) deliveries.Enqueue((receiver, message));
                var results = await _client.AckAsync(queue, messages.Select(m => m.Receipt!).ToList(), timeout.Token);
                foreach (var (_, status) in results)
                {
                    ackStatuses.Enqueue(status);
                    if (status == "acked") Interlocked.Increment(ref acked);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Receivers).Select(ReceiveLoopAsync));
        output.WriteLine($"{deliveries.Count} deliveries, {acked} acked in {(DateTime.UtcNow - started).TotalSeconds:F1} s; " +
            $"per receiver: {string.Join(", ", deliveries.GroupBy(d => d.Receiver).OrderBy(g => g.Key).Select(g => g.Count()))}");

        var deliveredTwice = deliveries.GroupBy(d => d.Message.MessageId).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key} to receivers {string.Join(",", g.Select(d => d.Receiver))}").ToList();
        Assert.True(deliveredTwice.Count == 0, $"{deliveredTwice.Count} messages delivered more than once: {string.Join("; ", deliveredTwice.Take(10))}");
        Assert.Equal(published, deliveries.Select(d => d.Message.MessageId).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(deliveries, d => d.Message.Redelivered);
        Assert.All(ackStatuses, status => Assert.Equal("acked", status));
        Assert.Equal(MessageCount, acked);
        Assert.Equal(0, await _client.TotalAsync(queue, timeout.Token));
    }
}
