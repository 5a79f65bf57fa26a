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
    string? Note = null)
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
    MemoryResult? Memory);
