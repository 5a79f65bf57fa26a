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
        Requests(md, report.Accounting);
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

    private static void Requests(StringBuilder md, IReadOnlyList<AccountingResult> accounting)
    {
        md.AppendLine("### Storage requests per message (service, one call at a time on an idle queue)").AppendLine();
        md.AppendLine("| mode | calls | publish | receive | ack | whole lifecycle |").AppendLine("|---|---|---:|---:|---:|---:|");
        foreach (var a in accounting)
        {
            var calls = a.Batch == 1 ? "1 message per call" : $"{a.Batch} messages per call";
            md.AppendLine($"| {a.Mode} | {calls} | {F(a.Publish)} | {F(a.Receive)} | {F(a.Ack)} | {F(a.Lifecycle)} |");
        }
        md.AppendLine();
    }

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
