using System.Diagnostics;

namespace Serverless.Benchmarks.Load;

/// <summary>Open-loop publishing: call <c>i</c> starts <c>i / rate</c> seconds after the start, whatever the calls before
/// it did, with at most <c>maxInFlight</c> unanswered (a slow service lowers the rate rather than piling up calls).
/// Returns once every call has answered: messages confirmed, the time that took, each call's latency and the failures.</summary>
public static class FixedRatePublish
{
    public delegate Task Publish(long index, CancellationToken cancellationToken);

    public static async Task<LoadResult> RunAsync(int rate, TimeSpan duration, int maxInFlight, Publish publish, CancellationToken cancellationToken,
        Action<long>? onTick = null)
    {
        var latencies = new List<double>();
        long published = 0, errors = 0;
        var clock = Stopwatch.StartNew();
        using var inFlight = new SemaphoreSlim(maxInFlight);
        for (long i = 0; ; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / rate);
            if (due >= duration) break;
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.Zero) await Task.Delay(wait, cancellationToken);
            await inFlight.WaitAsync(cancellationToken);
            if (onTick is not null && i % rate == 0) onTick(i / rate);
            var index = i;
            _ = Task.Run(async () =>
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await publish(index, cancellationToken);
                    Interlocked.Increment(ref published);
                    var latency = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    lock (latencies) latencies.Add(latency);
                }
                catch (Exception exception)
                {
                    Interlocked.Increment(ref errors);
                    ErrorLog.Report(exception);
                }
                finally
                {
                    inFlight.Release();
                }
            }, cancellationToken);
        }
        for (var i = 0; i < maxInFlight; i++) await inFlight.WaitAsync(cancellationToken); // every publish answered
        lock (latencies) return new LoadResult(Interlocked.Read(ref published), clock.Elapsed, latencies.ToList(), Interlocked.Read(ref errors), null);
    }
}
