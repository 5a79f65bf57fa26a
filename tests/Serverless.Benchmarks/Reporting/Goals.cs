using System.Globalization;

namespace Serverless.Benchmarks.Reporting;

public sealed record GoalResult(string Goal, string Measured, string Verdict);

/// <summary>The goals of the benchmark issue, checked against what this run measured. A goal whose
/// inputs were not measured (a skipped peer, no soak) says so; nothing is assumed.</summary>
public static class Goals
{
    public const string Met = "met", NotMet = "NOT met", NotMeasured = "not measured";

    public static IReadOnlyList<GoalResult> Evaluate(BenchmarkReport report)
    {
        var results = report.Results;
        var goals = new List<GoalResult>();
        foreach (var mode in BenchContext.Modes)
        {
            goals.Add(Ratio($"Single-message HTTP publish ≥ 0.7 × the limit ({mode})",
                Find(results, SystemKind.Service, Work.Publish, 1, mode), Find(results, SystemKind.Limit, Work.Publish, 1, mode), 0.7));
            goals.Add(Ratio($"Batched publish of 100 ≥ 5 × single publish ({mode}, messages/s)",
                Find(results, SystemKind.Service, Work.Publish, 100, mode), Find(results, SystemKind.Service, Work.Publish, 1, mode), 5));
            foreach (var n in new[] { 1, 10 })
            {
                goals.Add(Ratio($"Receive+ack (maxMessages {n}) ≥ 0.5 × the limit ({mode})",
                    Find(results, SystemKind.Service, Work.ReceiveAck, n, mode), Find(results, SystemKind.Limit, Work.ReceiveAck, n, mode), 0.5));
            }
            goals.Add(AtMost($"Unbatched lifecycle ≤ 6 storage requests ({Counted(mode)})", report.Accounting.FirstOrDefault(a => a.Mode == mode && a.Batch == 1), 6));
            goals.Add(AtMost($"Batched (100) lifecycle ≤ 0.3 storage requests/message ({Counted(mode)})", report.Accounting.FirstOrDefault(a => a.Mode == mode && a.Batch == 100), 0.3));
        }
        goals.Add(AsyncLag(report.Lag?.FirstOrDefault()));
        var catchUps = report.CatchUp ?? [];
        foreach (var mode in BenchContext.Modes) goals.Add(CatchUp(mode, catchUps.FirstOrDefault(c => c.Mode == mode)));
        foreach (var (peer, label, works) in new[]
        {
            ("Storage Queues (direct)", "Storage Queues direct", new[] { (Work.Publish, 1), (Work.ReceiveAck, 1), (Work.ReceiveAck, 10) }),
            ("RabbitMQ HTTP API", "RabbitMQ's HTTP API", new[] { (Work.Publish, 1), (Work.ReceiveAuto, 1), (Work.ReceiveAuto, 10) }),
        })
        {
            foreach (var (work, batch) in works)
            {
                var other = results.FirstOrDefault(r => r.System == peer && r.Work == work && r.Batch == batch && !r.Skipped);
                foreach (var mode in BenchContext.Modes)
                {
                    goals.Add(Ratio($"Ahead of {label}: {Label(work, batch)} ({mode})", Find(results, SystemKind.Service, work, batch, mode), other, 1.0, strictlyAbove: true));
                }
            }
        }
        goals.Add(Memory(report.Memory?.Soak));
        return goals;
    }

    public static ScenarioResult? Find(IEnumerable<ScenarioResult> results, SystemKind kind, Work work, int batch, string mode) =>
        results.FirstOrDefault(r => r.Kind == kind && r.Work == work && r.Batch == batch && r.Mode == mode && !r.Skipped);

    public static string Label(Work work, int batch) => work switch
    {
        Work.Publish => batch == 1 ? "publish" : $"publish batch {batch}",
        Work.ReceiveAck => $"receive+ack (max {batch})",
        Work.ReceiveAuto => $"receive, auto-ack (max {batch})",
        _ => "end-to-end",
    };

    private static GoalResult Ratio(string goal, ScenarioResult? measured, ScenarioResult? against, double target, bool strictlyAbove = false)
    {
        if (measured is null || against is null || against.MessagesPerSecond <= 0) return new(goal, "—", NotMeasured);
        var ratio = measured.MessagesPerSecond / against.MessagesPerSecond;
        var met = strictlyAbove ? ratio > target : ratio >= target;
        var failed = measured.Errors + against.Errors;
        return new(goal, $"{F(ratio)}× ({F(measured.MessagesPerSecond)} vs {F(against.MessagesPerSecond)} msg/s)"
            + (failed > 0 ? $", {failed} failed calls" : ""), met ? Met : NotMet);
    }

    private static GoalResult AtMost(string goal, AccountingResult? accounting, double target) => accounting is null
        ? new(goal, "—", NotMeasured)
        : new(goal, $"{F(accounting.Lifecycle)} (publish {F(accounting.Publish)} + receive {F(accounting.Receive)} + ack {F(accounting.Ack)})",
            accounting.Lifecycle <= target ? Met : NotMet);

    private static string Counted(string mode) => mode == "sync" ? "sync queue, primary + secondary" : $"{mode} queue, primary; shipping not counted";

    private static GoalResult AsyncLag(LagResult? lag)
    {
        const string goal = "Async replication lag p99 at half the max publish rate < 1 s";
        if (lag is null) return new(goal, "—", NotMeasured);
        var measured = $"p99 {F(lag.P99Ms)} ms at {lag.Rate} msg/s ({lag.RateBasis}); reported lagSeconds max {F(lag.ReportedMaxSeconds)} s"
            + (lag.NeverSeen > 0 ? $"; {lag.NeverSeen} of {lag.Sampled} sampled messages never reached the secondary" : "")
            + (lag.Errors > 0 ? $", {lag.Errors} failed calls" : "");
        return new(goal, measured, lag.P99Ms < 1000 && lag.NeverSeen == 0 ? Met : NotMet);
    }

    private static GoalResult CatchUp(string mode, CatchUpResult? catchUp)
    {
        var goal = $"Catch-up after an outage ≥ 5 × the publish rate that built the backlog ({mode} queue)";
        if (catchUp is null) return new(goal, "—", NotMeasured);
        if (catchUp.Problem is not null) return new(goal, catchUp.Problem, NotMet);
        return new(goal, $"{F(catchUp.Ratio)}× ({F(catchUp.CatchUpRate)} vs {F(catchUp.PublishRate)} msg/s; {catchUp.Backlog} messages in {F(catchUp.CatchUpSeconds)} s)",
            catchUp.Ratio >= 5 ? Met : NotMet);
    }

    private static GoalResult Memory(SoakResult? soak)
    {
        const string goal = "Memory flat over a 5-minute run";
        if (soak is null) return new(goal, "no soak in this run (--soak 5)", NotMeasured);
        var measured = $"{F(soak.RssAfterWarmupMb)} MB after the first fifth → {F(soak.RssAtEndMb)} MB at the end of {F(soak.Minutes)} min";
        if (soak.Minutes < 5) return new(goal, measured + " (shorter than 5 min)", NotMeasured);
        return new(goal, measured, soak.Flat ? Met : NotMet);
    }

    public static string F(double value) => value switch
    {
        >= 100 => value.ToString("0", CultureInfo.InvariantCulture),
        >= 10 => value.ToString("0.#", CultureInfo.InvariantCulture),
        _ => value.ToString("0.##", CultureInfo.InvariantCulture),
    };
}
