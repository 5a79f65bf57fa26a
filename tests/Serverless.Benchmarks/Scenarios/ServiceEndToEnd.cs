using Serverless.Benchmarks.Load;
using Serverless.Benchmarks.Reporting;

namespace Serverless.Benchmarks.Scenarios;

/// <summary>End-to-end latency (publish start to receipt by a long-polling consumer) at a fixed rate, on sync
/// and async queues. Storage requests per message include the consumers' idle polls.</summary>
public sealed class ServiceEndToEnd : IScenario
{
    public string Name => "service-end-to-end";

    public async Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var options = context.Options;
        foreach (var mode in BenchContext.Modes)
        {
            await context.FreshEnvironmentAsync($"{Name} {mode}", cancellationToken);
            var service = context.Service;
            var queue = BenchContext.UniqueName("e2e-");
            await service.DeclareQueueAsync(queue, mode, options.Shards, options.VisibilityTimeoutSeconds, cancellationToken);
            var load = await FixedRateRun.RunAsync(service, queue, options.Rate, options.Duration, Consumers(options), options.Concurrency,
                options.VisibilityTimeoutSeconds, service.StorageRequestsAsync, cancellationToken);
            context.Record(ScenarioResult.From(SystemKind.Service, "service (HTTP)", Work.EndToEnd, 1, mode, load,
                note: $"fixed rate {options.Rate} msg/s, {Consumers(options)} consumers"));
        }
    }

    public static int Consumers(BenchmarkOptions options) => Math.Clamp(options.Concurrency / 4, 1, 8);
}
