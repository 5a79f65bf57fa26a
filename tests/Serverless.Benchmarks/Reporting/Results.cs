using Serverless.Benchmarks.Load;

namespace Serverless.Benchmarks.Reporting;

/// <summary>What is being compared: the raw storage limit, the service, or a peer a user would pick instead.</summary>
public enum SystemKind { Limit, Service, Peer }

/// <summary>The same work in every system: publishing, receiving and acking, or a message's whole trip.</summary>
/// <summary><see cref="ReceiveAck"/>: at-least-once (receive with a lease, then ack; Storage Queues' receive + delete).
/// <see cref="ReceiveAuto"/>: at-most-once, removed as returned (the service's auto-ack, RabbitMQ's get with
/// <c>ack_requeue_false</c>): only like contracts are compared.</summary>
public enum Work { Publish, ReceiveAck, EndToEnd, ReceiveAuto }

/// <summary>One measured row. <see cref="Batch"/> is the publish batch or the receive's maxMessages;
/// <see cref="Mode"/> is the queue's replication mode (<c>sync</c>/<c>async</c>), empty for peers.</summary>
public sealed record ScenarioResult(
    SystemKind Kind,
    string System,
    Work Work,
    int Batch,
    string Mode,
    long Messages,
    double Seconds,
    double MessagesPerSecond,
    double P50Ms,
    double P99Ms,
    double? StorageRequestsPerMessage,
    long Errors,
    string? Note = null,
    CpuUsage? Cpu = null)
{
    public bool Skipped => Note is not null && Messages == 0;

    public static ScenarioResult From(SystemKind kind, string system, Work work, int batch, string mode, LoadResult load, string? note = null) =>
        new(kind, system, work, batch, mode, load.Messages, Math.Round(load.Elapsed.TotalSeconds, 2), Math.Round(load.MessagesPerSecond, 1),
            Math.Round(load.Percentile(0.50), 2), Math.Round(load.Percentile(0.99), 2),
            load.RequestsPerMessage is { } perMessage ? Math.Round(perMessage, 3) : null, load.Errors, note);

    public static ScenarioResult Skip(SystemKind kind, string system, Work work, int batch, string mode, string why) =>
        new(kind, system, work, batch, mode, 0, 0, 0, 0, 0, null, 0, why);
}

/// <summary>Storage requests per message, counted one call at a time on an idle queue (background timers excluded by taking the least of three tries).</summary>
public sealed record AccountingResult(string Mode, int Batch, double Publish, double Receive, double Ack)
{
    public double Lifecycle => Publish + Receive + Ack;
}

/// <summary>Async replication lag at a fixed publish rate (<see cref="Rate"/> msg/s, chosen as <see cref="RateBasis"/> says).
/// Measured lag: for every <c>ServiceAsyncLag.SampleEvery</c>th message, from its publish confirmation to the first
/// read of the secondary's store that found its ready row (an upper bound, by at most one poll and one query). Reported
/// lag: the queue's <c>replication.lagSeconds</c> and <c>lagMessages</c> sampled every 100 ms.</summary>
public sealed record LagResult(
    string Mode,
    int Rate,
    string RateBasis,
    long Published,
    long Sampled,
    long NeverSeen,
    double P50Ms,
    double P99Ms,
    double MaxMs,
    double ReportedP99Seconds,
    double ReportedMaxSeconds,
    long ReportedMaxMessages,
    double PublishP99Ms,
    long Errors);

/// <summary>Catch-up after an outage of the secondary (its Azurite frozen with SIGSTOP): the backlog published meanwhile
/// at full speed, and the time from SIGCONT until the topology shows the secondary synchronized with nothing to ship.
/// <see cref="FirstProgressSeconds"/>: until the topology first showed fewer changes waiting than at the end of the outage
/// (the rest of the catch-up is shipping; before it, the service noticing the secondary is back).</summary>
public sealed record CatchUpResult(
    string Mode,
    long Backlog,
    double PublishSeconds,
    double PublishRate,
    double CatchUpSeconds,
    double? FirstProgressSeconds,
    long LagAtResume,
    long SecondaryReady,
    long ExpectedReady,
    bool? StoresEqual,
    long Errors,
    string? Problem = null)
{
    /// <summary>Backlog messages per second of catch-up (0 when it did not catch up).</summary>
    public double CatchUpRate => Problem is null && CatchUpSeconds > 0 ? Backlog / CatchUpSeconds : 0;

    /// <summary>Backlog messages per second once shipping had begun (from the first progress seen): the catch-up rate
    /// without the time the service took to notice the secondary was back. Null when no progress was seen.</summary>
    public double? ShippingRate => Problem is null && FirstProgressSeconds is { } first && CatchUpSeconds > first ? Backlog / (CatchUpSeconds - first) : null;

    /// <summary>Catch-up rate over the publish rate that built the backlog.</summary>
    public double Ratio => PublishRate > 0 ? CatchUpRate / PublishRate : 0;
}

/// <summary>The service's resident memory: peak over the whole run, and the soak's trend.</summary>
public sealed record MemoryResult(double PeakRssMb, double FinalRssMb, SoakResult? Soak);

public sealed record SoakResult(double Minutes, double RssAfterWarmupMb, double RssAtEndMb, double MaxRssMb, long Messages, IReadOnlyList<double[]> Samples)
{
    /// <summary>Flat: no more than 10% growth from the end of the first fifth of the run to the end.</summary>
    public bool Flat => RssAtEndMb <= RssAfterWarmupMb * 1.10;
}

public sealed record BenchmarkReport(
    DateTimeOffset StartedAt,
    string Command,
    string Machine,
    BenchmarkOptions Options,
    IReadOnlyList<ScenarioResult> Results,
    IReadOnlyList<AccountingResult> Accounting,
    MemoryResult? Memory,
    IReadOnlyList<LagResult>? Lag = null,
    IReadOnlyList<CatchUpResult>? CatchUp = null);
