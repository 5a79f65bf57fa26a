using System.Collections.Concurrent;
using System.Diagnostics;
using Serverless.Benchmarks.Clients;
using Serverless.Benchmarks.Load;
using Serverless.Benchmarks.Reporting;

namespace Serverless.Benchmarks.Scenarios;

/// <summary>Async replication lag at a steady rate: single messages published at a fixed rate to an async queue (nobody
/// consumes them), while the secondary's store is read directly to see when each sampled message arrives there, and the
/// queue's reported lag is sampled. The rate is half the async single-publish msg/s measured earlier in the same run
/// (the goal is stated at half the maximum rate) or, when <c>service-publish</c> did not run, <c>--rate</c>.</summary>
public sealed class ServiceAsyncLag : IScenario
{
    /// <summary>One message in this many is looked for in the secondary (their ids come back from the publish).</summary>
    public const int SampleEvery = 10;

    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan ReportedEvery = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(30);

    public string Name => "service-async-lag";

    public async Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        const string mode = "async";
        var options = context.Options;
        var (rate, basis) = ChooseRate(context);
        await context.FreshEnvironmentAsync($"{Name} at {rate} msg/s", cancellationToken);
        var environment = context.Environment;
        var service = context.Service;
        var queue = BenchContext.UniqueName("lag-");
        await service.DeclareQueueAsync(queue, mode, options.Shards, options.VisibilityTimeoutSeconds, cancellationToken);
        var secondary = await RegionMessages.OpenAsync(environment.Secondary.ConnectionString, environment.Primary.ConnectionString, queue, cancellationToken);

        var awaited = new ConcurrentDictionary<string, long>(); // message id → Stopwatch timestamp of its publish confirmation
        var lags = new List<double>();
        var reported = new List<ReplicationReading>();
        using var stopWatching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watching = Task.WhenAll(
            WatchSecondaryAsync(secondary, awaited, lags, stopWatching.Token),
            SampleReportedAsync(service, queue, reported, stopWatching.Token));
        LoadResult load;
        try
        {
            load = await FixedRatePublish.RunAsync(rate, options.Duration, options.Concurrency, async (index, ct) =>
            {
                if (index % SampleEvery != 0)
                {
                    await service.PublishAsync(queue, 1, ct);
                    return;
                }
                var id = await service.PublishForIdAsync(queue, ct);
                awaited[id] = Stopwatch.GetTimestamp();
            }, cancellationToken);
            var settling = Stopwatch.StartNew();
            while (!awaited.IsEmpty && settling.Elapsed < SettleTimeout) await Task.Delay(PollEvery, cancellationToken);
        }
        finally
        {
            await stopWatching.CancelAsync();
            await watching;
        }

        double Percentile(IReadOnlyList<double> values, double p) =>
            values.Count == 0 ? 0 : new LoadResult(values.Count, TimeSpan.Zero, values, 0, null).Percentile(p);
        var reportedSeconds = reported.Select(r => r.LagSeconds).ToList();
        context.Record(new LagResult(mode, rate, basis, load.Messages, lags.Count + awaited.Count, awaited.Count,
            Math.Round(Percentile(lags, 0.50), 1), Math.Round(Percentile(lags, 0.99), 1), Math.Round(lags.DefaultIfEmpty(0).Max(), 1),
            Math.Round(Percentile(reportedSeconds, 0.99), 3), Math.Round(reportedSeconds.DefaultIfEmpty(0).Max(), 3),
            reported.Select(r => r.LagMessages).DefaultIfEmpty(0).Max(), Math.Round(load.Percentile(0.99), 1), load.Errors));
    }

    /// <summary>Half the async single publish measured in this run, else <c>--rate</c>; and which it was.</summary>
    private static (int Rate, string Basis) ChooseRate(BenchContext context)
    {
        var measured = Goals.Find(context.Results, SystemKind.Service, Work.Publish, 1, "async");
        return measured is { MessagesPerSecond: >= 2 }
            ? ((int)(measured.MessagesPerSecond / 2), $"half the async single publish measured in this run ({Goals.F(measured.MessagesPerSecond)} msg/s)")
            : (context.Options.Rate, "--rate");
    }

    /// <summary>Looks for the awaited messages' ready rows in the secondary, one query per poll, and records for each
    /// found the time from its publish confirmation to the end of the query that found it.</summary>
    private static async Task WatchSecondaryAsync(RegionMessages secondary, ConcurrentDictionary<string, long> awaited, List<double> lags, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (!awaited.IsEmpty)
                {
                    var found = await secondary.ReadyAmongAsync(awaited.Keys.ToList(), stop);
                    var now = Stopwatch.GetTimestamp();
                    foreach (var id in found)
                    {
                        if (awaited.TryRemove(id, out var confirmedAt)) lags.Add(Stopwatch.GetElapsedTime(confirmedAt, now).TotalMilliseconds);
                    }
                }
                await Task.Delay(PollEvery, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is Azure.RequestFailedException or HttpRequestException)
            {
                ErrorLog.Report(exception);
            }
        }
    }

    /// <summary>Samples the queue's reported replication every 100 ms.</summary>
    private static async Task SampleReportedAsync(ServiceClient service, string queue, List<ReplicationReading> readings, CancellationToken stop)
    {
        using var tick = new PeriodicTimer(ReportedEvery);
        try
        {
            while (await tick.WaitForNextTickAsync(stop))
            {
                try
                {
                    readings.Add(await service.QueueReplicationAsync(queue, stop));
                }
                catch (HttpRequestException exception)
                {
                    ErrorLog.Report(exception);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The run is over.
        }
    }
}
