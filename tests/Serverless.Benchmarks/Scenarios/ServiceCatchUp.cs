using System.Diagnostics;
using Serverless.Benchmarks.Clients;
using Serverless.Benchmarks.Load;
using Serverless.Benchmarks.Reporting;
using Serverless.DevHost.Local;
using Serverless.Testing;

namespace Serverless.Benchmarks.Scenarios;

/// <summary>Catch-up speed after an outage of the secondary, on an async and on a sync queue: the secondary's Azurite is
/// frozen (SIGSTOP: its sockets stay open and unanswered, as a hung region's would), a backlog is published at full speed
/// for <c>--duration</c> at <c>--concurrency</c>, then the secondary is resumed (SIGCONT, always) and timed until the
/// topology shows it synchronized with nothing left to ship. The stores are then compared with the consistency checker.</summary>
public sealed class ServiceCatchUp : IScenario
{
    /// <summary>A hung region must cost a request seconds, not a minute: 2 s per attempt, no retries, 2 s of grace for sync queues.</summary>
    private static readonly Dictionary<string, string?> FastFailure = new()
    {
        ["Replication:SyncGraceSeconds"] = "2",
        ["Storage:NetworkTimeout"] = "00:00:02",
        ["Storage:MaxRetries"] = "0",
    };

    /// <summary>The largest the service allows: an async queue must not throttle (429) the backlog being measured.</summary>
    private const int MaxReplicationLagSeconds = 3600;

    // The topology counts every unshipped change (an outbox query per partition): asked twice a second, not more, so the
    // asking does not slow the catch-up it times.
    private static readonly TimeSpan FirstSweep = TimeSpan.FromSeconds(6);
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan CatchUpTimeout = TimeSpan.FromMinutes(5);

    public string Name => "service-catch-up";

    public async Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        foreach (var mode in BenchContext.Modes)
        {
            await context.FreshEnvironmentAsync($"{Name} {mode}", FastFailure, cancellationToken);
            context.Record(await MeasureAsync(context, mode, cancellationToken));
        }
    }

    private static async Task<CatchUpResult> MeasureAsync(BenchContext context, string mode, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var environment = context.Environment;
        var service = context.Service;
        var queue = BenchContext.UniqueName("catch-up-");
        await service.DeclareQueueAsync(queue, mode, options.Shards, options.VisibilityTimeoutSeconds,
            mode == "async" ? MaxReplicationLagSeconds : null, cancellationToken);
        await service.PublishAsync(queue, 1, cancellationToken);
        if (await WaitCaughtUpAsync(service, SettleTimeout, _ => { }, cancellationToken) is null)
        {
            throw new TimeoutException($"The secondary was not synchronized {SettleTimeout.TotalSeconds:0} s after the queue was declared.");
        }
        // A deployment that has run a while has had its first replication sweep, which makes sure the secondary holds a
        // full copy: wait for it (the timer runs every 5 s), so the catch-up measures the backlog, not a first copy.
        await Task.Delay(FirstSweep, cancellationToken);

        var secondaryProcess = environment.Secondary.ProcessId;
        LoadResult backlog;
        ReplicationReading atResume;
        if (!UnixSignals.Pause(secondaryProcess)) throw new InvalidOperationException($"Could not SIGSTOP the secondary's Azurite (pid {secondaryProcess}).");
        try
        {
            Console.WriteLine($"  secondary frozen (SIGSTOP {secondaryProcess}); publishing a backlog for {options.Duration.TotalSeconds:0} s…");
            backlog = await LoadRunner.RunAsync(options.Concurrency, options.Duration, (_, ct) => service.PublishAsync(queue, 1, ct), null, cancellationToken);
            atResume = await service.SecondaryRegionAsync(cancellationToken);
        }
        finally
        {
            UnixSignals.Resume(secondaryProcess);
        }
        var sinceResume = Stopwatch.StartNew();
        Console.WriteLine($"  resumed (SIGCONT) with {backlog.Messages} messages published meanwhile, {atResume.LagMessages} changes waiting; catching up…");
        TimeSpan? firstProgress = null;
        var caughtUp = await WaitCaughtUpAsync(service, CatchUpTimeout, reading =>
        {
            if (firstProgress is null && reading.LagMessages < atResume.LagMessages) firstProgress = sinceResume.Elapsed;
        }, cancellationToken);
        var catchUp = sinceResume.Elapsed;

        var secondary = await RegionMessages.OpenAsync(environment.Secondary.ConnectionString, environment.Primary.ConnectionString, queue, cancellationToken);
        var held = await secondary.CountReadyAsync(cancellationToken);
        var report = caughtUp is null ? null : await ConsistencyChecker.CompareAsync(environment.Primary.ConnectionString, environment.Secondary.ConnectionString, cancellationToken);
        if (report is { Equal: false }) Console.Error.WriteLine($"  the stores differ after the catch-up: {report.Describe()}");
        return new CatchUpResult(mode, backlog.Messages, Math.Round(backlog.Elapsed.TotalSeconds, 2), Math.Round(backlog.MessagesPerSecond, 1),
            Math.Round(catchUp.TotalSeconds, 2), firstProgress is { } progress ? Math.Round(progress.TotalSeconds, 2) : null, atResume.LagMessages,
            held, backlog.Messages + 1, report?.Equal, backlog.Errors,
            caughtUp is null ? $"not synchronized {CatchUpTimeout.TotalMinutes:0} min after SIGCONT" : null);
    }

    /// <summary>Polls the topology until the secondary is synchronized with nothing to ship; null when the timeout passed first.</summary>
    private static async Task<ReplicationReading?> WaitCaughtUpAsync(ServiceClient service, TimeSpan timeout, Action<ReplicationReading> onReading,
        CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < timeout)
        {
            try
            {
                var reading = await service.SecondaryRegionAsync(cancellationToken);
                onReading(reading);
                if (reading.CaughtUp) return reading;
            }
            catch (HttpRequestException exception)
            {
                ErrorLog.Report(exception);
            }
            await Task.Delay(PollEvery, cancellationToken);
        }
        return null;
    }
}
