using System.Diagnostics;

namespace Serverless.Benchmarks.Load;

/// <summary>Closed-loop load: <c>concurrency</c> tasks each run one operation after another until the
/// deadline. An operation returns how many messages it completed; one that returns 0 found nothing to do,
/// and a task that finds nothing three times in a row stops (its queue is drained).</summary>
public static class LoadRunner
{
    private const int EmptyTriesBeforeStop = 3;

    public delegate Task<int> Operation(int worker, CancellationToken cancellationToken);

    public static async Task<LoadResult> RunAsync(int concurrency, TimeSpan duration, Operation operation, RequestCount? requests, CancellationToken cancellationToken)
    {
        var before = requests is null ? 0 : await requests(cancellationToken);
        var latencies = new List<double>[concurrency];
        long messages = 0, errors = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            var mine = latencies[worker] = new List<double>(4096);
            var empty = 0;
            while (clock.Elapsed < duration && empty < EmptyTriesBeforeStop)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var started = Stopwatch.GetTimestamp();
                try
                {
                    var done = await operation(worker, cancellationToken);
                    if (done == 0) { empty++; continue; }
                    empty = 0;
                    mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    Interlocked.Add(ref messages, done);
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    Interlocked.Increment(ref errors);
                    ErrorLog.Report(exception);
                    await Task.Delay(50, cancellationToken);
                }
            }
        }, cancellationToken)));
        var elapsed = clock.Elapsed;
        long? counted = requests is null ? null : await requests(cancellationToken) - before;
        return new LoadResult(messages, elapsed, latencies.SelectMany(l => l).ToList(), errors, counted);
    }

    /// <summary>Receive scenarios: fill the queue with <paramref name="backlog"/> messages (not timed, not
    /// counted), drain it (timed, counted), and repeat until <paramref name="duration"/> of draining is spent.</summary>
    public static async Task<LoadResult> DrainRoundsAsync(int concurrency, TimeSpan duration, int backlog,
        Func<int, CancellationToken, Task> fill, Operation operation, RequestCount? requests, CancellationToken cancellationToken)
    {
        var rounds = new List<LoadResult>();
        var spent = TimeSpan.Zero;
        while (spent < duration)
        {
            await fill(backlog, cancellationToken);
            var round = await RunAsync(concurrency, duration - spent, operation, requests, cancellationToken);
            rounds.Add(round);
            spent += round.Elapsed;
            if (round.Messages == 0) break; // nothing arrived: the fill failed; don't spin
        }
        return LoadResult.Combine(rounds);
    }

    /// <summary>Runs <paramref name="count"/> calls of <paramref name="action"/> with at most <paramref name="parallel"/> at once (filling queues).</summary>
    public static Task ForEachAsync(int count, int parallel, Func<int, CancellationToken, Task> action, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = cancellationToken },
            async (i, ct) => await action(i, ct));
}
