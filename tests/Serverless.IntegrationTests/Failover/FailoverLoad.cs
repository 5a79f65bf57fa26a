using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Serverless.IntegrationTests.Functions;

namespace Serverless.IntegrationTests.Failover;

/// <summary>A workload that keeps going through a failover: publishers send single messages with unique ids (a failed or
/// unanswered call is retried with the same id, as a client should), consumers receive and ack. It records what was
/// confirmed, delivered and acked, and when publishes succeeded, so a test can check loss, duplicates, RTO and the pause.</summary>
internal sealed class FailoverLoad(HttpClient client, string queue, string prefix) : IAsyncDisposable
{
    private readonly CancellationTokenSource publishing = new(), consuming = new();
    private readonly List<Task> publishers = [], consumers = [];
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private int next;

    public ConcurrentDictionary<string, byte> Confirmed { get; } = new();
    public ConcurrentBag<string> Delivered { get; } = new();
    public ConcurrentDictionary<string, TimeSpan> Acked { get; } = new();
    public ConcurrentBag<(string Id, TimeSpan At)> Deliveries { get; } = new();
    public ConcurrentBag<TimeSpan> PublishSuccesses { get; } = new();

    /// <summary>Successful publishes as (sent, confirmed).</summary>
    public ConcurrentBag<(TimeSpan Sent, TimeSpan Confirmed)> PublishCalls { get; } = new();
    public ConcurrentBag<string> Failures { get; } = new();
    public TimeSpan Elapsed => clock.Elapsed;

    public void Start(int publisherCount = 2, int consumerCount = 1)
    {
        for (var i = 0; i < publisherCount; i++) publishers.Add(Task.Run(() => PublishLoopAsync(publishing.Token)));
        for (var i = 0; i < consumerCount; i++) consumers.Add(Task.Run(() => ConsumeLoopAsync(consuming.Token)));
    }

    public async Task StopPublishingAsync()
    {
        await publishing.CancelAsync();
        await Task.WhenAll(publishers);
    }

    /// <summary>Consumes until nothing has come for <paramref name="quiet"/> (leases of the old primary may have to expire).</summary>
    public async Task DrainAsync(TimeSpan quiet, TimeSpan timeout)
    {
        var waited = Stopwatch.StartNew();
        var lastCount = -1;
        var lastChange = Stopwatch.StartNew();
        while (waited.Elapsed < timeout)
        {
            await Task.Delay(500);
            var count = Delivered.Count;
            if (count != lastCount)
            {
                lastCount = count;
                lastChange.Restart();
            }
            else if (lastChange.Elapsed >= quiet && Confirmed.Keys.All(Acked.ContainsKey)) break;
            else if (lastChange.Elapsed >= quiet * 3) break;
        }
        await consuming.CancelAsync();
        await Task.WhenAll(consumers);
    }

    /// <summary>The longest time between two successful publishes after <paramref name="from"/>.</summary>
    public TimeSpan LongestPublishGapAfter(TimeSpan from)
    {
        var times = PublishSuccesses.Where(t => t >= from).Order().ToList();
        var gap = times.Count > 0 ? times[0] - from : TimeSpan.Zero;
        for (var i = 1; i < times.Count; i++) gap = times[i] - times[i - 1] > gap ? times[i] - times[i - 1] : gap;
        return gap;
    }

    /// <summary>When the first publish sent after <paramref name="from"/> was confirmed (a call already under way then
    /// does not count: its write may have reached the old primary before it went away).</summary>
    public TimeSpan? FirstPublishSentAfter(TimeSpan from) => PublishCalls.Where(c => c.Sent >= from).Select(c => c.Confirmed).Order().Cast<TimeSpan?>().FirstOrDefault();

    public int Duplicates => Delivered.Count - Delivered.Distinct().Count();

    /// <summary>Deliveries of a message after its ack was confirmed: what a lost ack costs.</summary>
    public IReadOnlyList<string> DeliveredAfterAck => Deliveries.Where(d => Acked.TryGetValue(d.Id, out var at) && d.At > at).Select(d => d.Id).ToList();

    public IReadOnlyList<string> Lost => Confirmed.Keys.Where(id => !Delivered.Contains(id)).Order().ToList();

    private async Task PublishLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var id = $"{prefix}-{Interlocked.Increment(ref next)}";
            // Retried with the same id until confirmed (the dedup window makes that safe), or the test stops publishing.
            while (!cancellationToken.IsCancellationRequested)
            {
                var sentAt = clock.Elapsed;
                try
                {
                    using var response = await client.PostJsonAsync($"{ApiClient.QueuePath(queue)}/publish", new { body = id, messageId = id });
                    if (response.StatusCode == HttpStatusCode.Created)
                    {
                        Confirmed[id] = 0;
                        PublishSuccesses.Add(clock.Elapsed);
                        PublishCalls.Add((sentAt, clock.Elapsed));
                        break;
                    }
                    Failures.Add($"{clock.Elapsed.TotalSeconds:0.0}s publish {(int)response.StatusCode}");
                }
                catch (Exception failure) when (failure is HttpRequestException or TaskCanceledException)
                {
                    Failures.Add($"{clock.Elapsed.TotalSeconds:0.0}s publish {failure.GetType().Name}");
                }
                await Task.Delay(200, CancellationToken.None);
            }
        }
    }

    private async Task ConsumeLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                using var response = await client.PostJsonAsync($"{ApiClient.QueuePath(queue)}/receive", new { maxMessages = 10, waitSeconds = 1 });
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    Failures.Add($"{clock.Elapsed.TotalSeconds:0.0}s receive {(int)response.StatusCode}");
                    await Task.Delay(200, CancellationToken.None);
                    continue;
                }
                var messages = (await response.ReadJsonAsync()).GetProperty("messages").EnumerateArray().ToArray();
                if (messages.Length == 0) continue;
                foreach (var message in messages)
                {
                    Delivered.Add(message.Str("body"));
                    Deliveries.Add((message.Str("body"), clock.Elapsed));
                }
                using var ack = await client.PostJsonAsync($"{ApiClient.QueuePath(queue)}/ack", new { receipts = messages.Select(m => m.Str("receipt")).ToArray() });
                if (ack.StatusCode != HttpStatusCode.OK) continue; // not acked: they come again after the lease, which is fine
                var results = (await ack.ReadJsonAsync()).GetProperty("results").EnumerateArray().ToArray();
                for (var i = 0; i < messages.Length; i++)
                {
                    if (results[i].Str("status") == "acked") Acked.TryAdd(messages[i].Str("body"), clock.Elapsed);
                }
            }
            catch (Exception failure) when (failure is HttpRequestException or TaskCanceledException or JsonException)
            {
                if (cancellationToken.IsCancellationRequested) break;
                Failures.Add($"{clock.Elapsed.TotalSeconds:0.0}s receive {failure.GetType().Name}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await publishing.CancelAsync();
        await consuming.CancelAsync();
        try
        {
            await Task.WhenAll(publishers.Concat(consumers));
        }
        catch (OperationCanceledException)
        {
        }
    }
}
