using System.Diagnostics;
using Serverless.Benchmarks.Clients;

namespace Serverless.Benchmarks.Load;

/// <summary>Open-loop load for end-to-end latency: single timed messages published at a fixed rate while
/// long-polling consumers receive (up to 10) and ack them. A message's latency is from the start of its
/// publish to its arrival at a consumer. After the publishing time, consumers get 10 s to drain.</summary>
public static class FixedRateRun
{
    private static readonly TimeSpan DrainGrace = TimeSpan.FromSeconds(10);

    public static async Task<LoadResult> RunAsync(ServiceClient service, string queue, int rate, TimeSpan duration, int consumers, int maxInFlight,
        int visibilityTimeoutSeconds, RequestCount? requests, CancellationToken cancellationToken, Action<long>? onTick = null)
    {
        var before = requests is null ? 0 : await requests(cancellationToken);
        var latencies = new List<double>();
        long consumed = 0, errors = 0;
        using var stopConsumers = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        void Failed(Exception exception)
        {
            Interlocked.Increment(ref errors);
            ErrorLog.Report(exception);
        }

        var consumerTasks = Enumerable.Range(0, consumers).Select(_ => Task.Run(async () =>
        {
            while (!stopConsumers.IsCancellationRequested)
            {
                try
                {
                    var received = await service.ReceiveAsync(queue, 10, visibilityTimeoutSeconds, waitSeconds: 1, stopConsumers.Token);
                    if (received.Count == 0) continue;
                    lock (latencies) latencies.AddRange(received.Select(m => Payload.AgeMs(m.Body) ?? 0));
                    Interlocked.Add(ref consumed, await service.AckAsync(queue, received.Select(m => m.Receipt), cancellationToken));
                }
                catch (OperationCanceledException) when (stopConsumers.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception exception)
                {
                    Failed(exception);
                    await Task.Delay(50, cancellationToken);
                }
            }
        }, cancellationToken)).ToArray();

        var clock = Stopwatch.StartNew();
        var publish = await FixedRatePublish.RunAsync(rate, duration, maxInFlight,
            (_, ct) => service.PublishAsync(queue, 1, ct, timed: true), cancellationToken, onTick);
        var published = publish.Messages;
        Interlocked.Add(ref errors, publish.Errors);
        var publishing = clock.Elapsed;
        while (Interlocked.Read(ref consumed) < published && clock.Elapsed < publishing + DrainGrace)
        {
            await Task.Delay(20, cancellationToken);
        }
        await stopConsumers.CancelAsync();
        await Task.WhenAll(consumerTasks);
        long? counted = requests is null ? null : await requests(cancellationToken) - before;
        if (consumed < published) Console.Error.WriteLine($"  {published - consumed} of {published} messages not consumed within {DrainGrace.TotalSeconds:0} s");
        return new LoadResult(consumed, publishing, latencies, errors, counted);
    }
}
