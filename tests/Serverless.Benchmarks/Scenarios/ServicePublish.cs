using Serverless.Benchmarks.Load;
using Serverless.Benchmarks.Reporting;

namespace Serverless.Benchmarks.Scenarios;

/// <summary>HTTP publish to a queue: single messages and batches of 10 and 100, on sync and async queues.</summary>
public sealed class ServicePublish : IScenario
{
    public string Name => "service-publish";

    public async Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var options = context.Options;
        foreach (var mode in BenchContext.Modes)
        {
            foreach (var batch in new[] { 1, 10, 100 })
            {
                await context.FreshEnvironmentAsync($"{Name} {mode} batch {batch}", cancellationToken);
                var service = context.Service;
                var queue = BenchContext.UniqueName("publish-");
                await service.DeclareQueueAsync(queue, mode, options.Shards, options.VisibilityTimeoutSeconds, cancellationToken);
                var settling = BenchContext.UniqueName("settle-");
                await service.DeclareQueueAsync(settling, mode, options.Shards, options.VisibilityTimeoutSeconds, cancellationToken);
                // Single messages: the same code as a batch, and a tenth to a hundredth of the rows (Azurite slows as its tables grow).
                await context.SettleServiceAsync((_, ct) => service.PublishAsync(settling, 1, ct), cancellationToken);
                var cpu = context.Environment.Cpu.Start();
                var load = await LoadRunner.RunAsync(options.Concurrency, options.Duration,
                    (_, ct) => service.PublishAsync(queue, batch, ct), service.StorageRequestsAsync, cancellationToken);
                context.Record(ScenarioResult.From(SystemKind.Service, "service (HTTP)", Work.Publish, batch, mode, load) with { Cpu = cpu.Stop(load.Messages) });
            }
        }
    }
}
