using System.Text;
using static Serverless.Benchmarks.Reporting.Goals;

namespace Serverless.Benchmarks.Reporting;

/// <summary>The run as markdown: throughput and latency of every row, the service's ratios to the limit and
/// the peers, storage requests per message, memory, and where the goals stand.</summary>
public static class MarkdownReport
{
    public static string Describe(ScenarioResult r) => r.Skipped
        ? $"{r.System} {Label(r.Work, r.Batch)} {r.Mode}: {r.Note}"
        : $"{r.System} {Label(r.Work, r.Batch)} {r.Mode}: {F(r.MessagesPerSecond)} msg/s, p50 {F(r.P50Ms)} ms, p99 {F(r.P99Ms)} ms"
          + (r.StorageRequestsPerMessage is { } q ? $", {F(q)} storage requests/msg" : "") + (r.Errors > 0 ? $", {r.Errors} errors" : "");

    public static string Describe(LagResult r) =>
        $"async lag at {r.Rate} msg/s ({r.RateBasis}): {r.Published} published, {r.Sampled} sampled, measured p50 {F(r.P50Ms)} ms, p99 {F(r.P99Ms)} ms, " +
        $"max {F(r.MaxMs)} ms; reported lagSeconds p99 {F(r.ReportedP99Seconds)} s, max {F(r.ReportedMaxSeconds)} s, lagMessages max {r.ReportedMaxMessages}"
        + (r.NeverSeen > 0 ? $", {r.NeverSeen} never seen in the secondary" : "") + (r.Errors > 0 ? $", {r.Errors} errors" : "");

    public static string Describe(CatchUpResult r) =>
        $"catch-up {r.Mode}: backlog {r.Backlog} published at {F(r.PublishRate)} msg/s, caught up in {F(r.CatchUpSeconds)} s " +
        $"(first progress after {(r.FirstProgressSeconds is { } first ? F(first) + " s" : "—")}): {F(r.CatchUpRate)} msg/s = {F(r.Ratio)}× the publish rate; " +
        $"secondary holds {r.SecondaryReady} of {r.ExpectedReady}, stores equal: {YesNo(r.StoresEqual)}"
        + (r.Errors > 0 ? $", {r.Errors} errors" : "") + (r.Problem is null ? "" : $"; {r.Problem}");

    public static string Render(BenchmarkReport report)
    {
        var o = report.Options;
        var md = new StringBuilder();
        md.AppendLine($"Run {report.StartedAt:yyyy-MM-dd HH:mm} UTC on {report.Machine}: `{report.Command}`");
        md.AppendLine();
        md.AppendLine($"{o.Duration.TotalSeconds:0.#} s per scenario, concurrency {o.Concurrency}, {o.MessageSize}-byte messages, {o.Shards} shard(s), " +
            $"receive backlog {o.Backlog}, end-to-end rate {o.Rate} msg/s. Latency is per call (one publish request, or one receive and its ack); " +
            "end-to-end latency is per message, publish start to receipt.");
        md.AppendLine();
        Throughput(md, report.Results);
        Ratios(md, report.Results);
        Cpu(md, report.Results);
        Requests(md, report.Accounting);
        Lag(md, report.Lag ?? []);
        CatchUp(md, report.CatchUp ?? []);
        Memory(md, report.Memory);
        md.AppendLine("### Goals").AppendLine();
        md.AppendLine("| goal | measured | verdict |").AppendLine("|---|---|---|");
        foreach (var goal in Evaluate(report)) md.AppendLine($"| {goal.Goal} | {goal.Measured} | {goal.Verdict} |");
        return md.ToString();
    }

    private static void Throughput(StringBuilder md, IReadOnlyList<ScenarioResult> results)
    {
        md.AppendLine("### Throughput and latency").AppendLine();
        md.AppendLine("| system | work | mode | msg/s | p50 ms | p99 ms | storage req/msg | errors |");
        md.AppendLine("|---|---|---|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            md.AppendLine(r.Skipped
                ? $"| {r.System} | {Label(r.Work, r.Batch)} | {Dash(r.Mode)} | {r.Note} | | | | |"
                : $"| {r.System} | {Label(r.Work, r.Batch)} | {Dash(r.Mode)} | {F(r.MessagesPerSecond)} | {F(r.P50Ms)} | {F(r.P99Ms)} | " +
                  $"{(r.StorageRequestsPerMessage is { } q ? F(q) : "—")} | {r.Errors} |");
        }
        md.AppendLine();
    }

    private static void Ratios(StringBuilder md, IReadOnlyList<ScenarioResult> results)
    {
        md.AppendLine("### Service against the limit and the peers (msg/s; ratio = service / other)").AppendLine();
        md.AppendLine("| work | mode | service | limit | service/limit | Storage Queues | service/SQ | RabbitMQ HTTP | service/RMQ HTTP |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var service in results.Where(r => r.Kind == SystemKind.Service && !r.Skipped && r.Work != Work.EndToEnd))
        {
            var limit = Find(results, SystemKind.Limit, service.Work, service.Batch, service.Mode);
            var queues = results.FirstOrDefault(r => r.System == "Storage Queues (direct)" && r.Work == service.Work && r.Batch == service.Batch && !r.Skipped);
            var rabbit = results.FirstOrDefault(r => r.System == "RabbitMQ HTTP API" && r.Work == service.Work && r.Batch == service.Batch && !r.Skipped);
            md.AppendLine($"| {Label(service.Work, service.Batch)} | {service.Mode} | {F(service.MessagesPerSecond)} | " +
                $"{Rate(limit)} | {Ratio(service, limit)} | {Rate(queues)} | {Ratio(service, queues)} | {Rate(rabbit)} | {Ratio(service, rabbit)} |");
        }
        md.AppendLine();
    }

    private static void Cpu(StringBuilder md, IReadOnlyList<ScenarioResult> results)
    {
        var measured = results.Where(r => r.Cpu is not null && !r.Skipped).ToList();
        if (measured.Count == 0) return;
        var processes = measured.SelectMany(r => r.Cpu!.MsPerMessage.Keys).Distinct().ToList();
        md.AppendLine("### Where the CPU went (CPU ms per message, user + system, from /proc)").AppendLine();
        md.AppendLine($"Busy: the machine's busy share over the timed run, of {measured[0].Cpu!.Cores} cores; a busy share near 100 % means the scenario was bound by the machine, " +
            "not by waiting. The processes' figures do not add up to the machine's when something else ran.").AppendLine();
        md.AppendLine($"| system | work | mode | msg/s | busy % | machine | {string.Join(" | ", processes)} |");
        md.AppendLine($"|---|---|---|---:|---:|---:|{string.Concat(processes.Select(_ => "---:|"))}");
        foreach (var r in measured)
        {
            var cpu = r.Cpu!;
            md.AppendLine($"| {r.System} | {Label(r.Work, r.Batch)} | {Dash(r.Mode)} | {F(r.MessagesPerSecond)} | {F(cpu.MachineBusyPercent)} | {F(cpu.MachineMsPerMessage)} | " +
                string.Join(" | ", processes.Select(p => cpu.MsPerMessage.TryGetValue(p, out var ms) ? F(ms) : "—")) + " |");
        }
        md.AppendLine();
    }

    private static void Requests(StringBuilder md, IReadOnlyList<AccountingResult> accounting)
    {
        md.AppendLine("### Storage requests per message (service, one call at a time on an idle queue)").AppendLine();
        md.AppendLine("Counted on every storage client of the service, both regions: a sync queue's figures include its writes to the secondary; " +
            "an async queue's shipping runs in the background after the call and is not in its figures.").AppendLine();
        md.AppendLine("| queue | calls | publish | receive | ack | whole lifecycle |").AppendLine("|---|---|---:|---:|---:|---:|");
        foreach (var a in accounting)
        {
            var calls = a.Batch == 1 ? "1 message per call" : $"{a.Batch} messages per call";
            var queue = a.Mode == "sync" ? "sync (primary + secondary)" : $"{a.Mode} (primary; shipping not counted)";
            md.AppendLine($"| {queue} | {calls} | {F(a.Publish)} | {F(a.Receive)} | {F(a.Ack)} | {F(a.Lifecycle)} |");
        }
        md.AppendLine();
    }

    private static void Lag(StringBuilder md, IReadOnlyList<LagResult> lag)
    {
        if (lag.Count == 0) return;
        md.AppendLine("### Replication lag at a fixed publish rate (async queue, single messages, nobody consuming)").AppendLine();
        md.AppendLine("Measured: publish confirmation to the first direct read of the secondary's store that found the message's ready row " +
            $"(every {Scenarios.ServiceAsyncLag.SampleEvery}th message; an upper bound, by one poll of 20 ms and one query). " +
            "Reported: the queue's `replication.lagSeconds` and `lagMessages`, sampled every 100 ms.").AppendLine();
        md.AppendLine("| mode | rate msg/s | rate chosen as | published | sampled | measured p50 ms | p99 ms | max ms | reported lagSeconds p99 / max | reported lagMessages max | publish p99 ms | errors |");
        md.AppendLine("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in lag)
        {
            md.AppendLine($"| {r.Mode} | {r.Rate} | {r.RateBasis} | {r.Published} | {r.Sampled}" + (r.NeverSeen > 0 ? $" ({r.NeverSeen} never seen)" : "") +
                $" | {F(r.P50Ms)} | {F(r.P99Ms)} | {F(r.MaxMs)} | {F(r.ReportedP99Seconds)} / {F(r.ReportedMaxSeconds)} | {r.ReportedMaxMessages} | {F(r.PublishP99Ms)} | {r.Errors} |");
        }
        md.AppendLine();
    }

    private static void CatchUp(StringBuilder md, IReadOnlyList<CatchUpResult> catchUp)
    {
        if (catchUp.Count == 0) return;
        md.AppendLine("### Catch-up after an outage of the secondary (SIGSTOP, backlog published at full speed, SIGCONT)").AppendLine();
        md.AppendLine("Catch-up: from SIGCONT until `GET /api/v1/topology` shows the secondary synchronized with `lagMessages` 0 (polled every 0.5 s); " +
            "first progress: until it first showed fewer changes waiting than at SIGCONT. Catch-up rate = backlog / catch-up time; " +
            "shipping rate = backlog / (catch-up time − first progress), the rate once the service had noticed the secondary was back.").AppendLine();
        md.AppendLine("| mode | backlog msgs | publish rate msg/s | changes waiting at SIGCONT | first progress s | catch-up s | catch-up msg/s | catch-up / publish | shipping msg/s | secondary holds | stores equal | errors |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|");
        foreach (var r in catchUp)
        {
            md.AppendLine($"| {r.Mode} | {r.Backlog} | {F(r.PublishRate)} | {r.LagAtResume} | {(r.FirstProgressSeconds is { } first ? F(first) : "—")} | " +
                (r.Problem is null ? $"{F(r.CatchUpSeconds)} | {F(r.CatchUpRate)} | {F(r.Ratio)}× | " : $"{r.Problem} | — | — | ") +
                $"{(r.ShippingRate is { } shipping ? F(shipping) : "—")} | " +
                $"{r.SecondaryReady} of {r.ExpectedReady} | {YesNo(r.StoresEqual)} | {r.Errors} |");
        }
        md.AppendLine();
    }

    private static string YesNo(bool? value) => value switch { true => "yes", false => "no", null => "not compared" };

    private static void Memory(StringBuilder md, MemoryResult? memory)
    {
        md.AppendLine("### Service memory").AppendLine();
        if (memory is null)
        {
            md.AppendLine("Not sampled.").AppendLine();
            return;
        }
        md.AppendLine($"Peak RSS over the whole run (VmHWM): {F(memory.PeakRssMb)} MB; RSS at the end: {F(memory.FinalRssMb)} MB.");
        if (memory.Soak is { } soak)
        {
            md.AppendLine($"Soak of {F(soak.Minutes)} min at the fixed rate ({soak.Messages} messages): {F(soak.RssAfterWarmupMb)} MB after the first fifth, " +
                $"{F(soak.RssAtEndMb)} MB at the end, {F(soak.MaxRssMb)} MB at most — {(soak.Flat ? "flat" : "growing")}.");
        }
        md.AppendLine();
    }

    private static string Rate(ScenarioResult? r) => r is null ? "—" : F(r.MessagesPerSecond);

    private static string Ratio(ScenarioResult service, ScenarioResult? other) =>
        other is null || other.MessagesPerSecond <= 0 ? "—" : F(service.MessagesPerSecond / other.MessagesPerSecond) + "×";

    private static string Dash(string mode) => mode.Length == 0 ? "—" : mode;
}
