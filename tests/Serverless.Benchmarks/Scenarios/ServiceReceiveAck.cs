using Serverless.Benchmarks.Load;
using Serverless.Benchmarks.Reporting;

namespace Serverless.Benchmarks.Scenarios;

/// <summary>HTTP receive (maxMessages 1 and 10) followed by one ack of the receipts, on sync and async queues,
/// from a backlog refilled between timed drains.</summary>
public sealed class ServiceReceiveAck : IScenario
{
    private const int FillBatch = 100;

    public string Name => "service-receive-ack";

    public async Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var options = context.Options;
        foreach (var mode in BenchContext.Modes)
        {
            foreach (var maxMessages in new[] { 1, 10 })
            {
                await context.FreshEnvironmentAsync($"{Name} {mode} max {maxMessages}", cancellationToken);
                var service = context.Service;
                var queue = BenchContext.UniqueName("receive-");
                await service.DeclareQueueAsync(queue, mode, options.Shards, options.VisibilityTimeoutSeconds, cancellationToken);
                var load = await LoadRunner.DrainRoundsAsync(options.Concurrency, options.Duration, options.Backlog,
                    (count, ct) => LoadRunner.ForEachAsync((count + FillBatch - 1) / FillBatch, 4, (_, token) => service.PublishAsync(queue, FillBatch, token), ct),
                    async (_, ct) =>
                    {
                        var received = await service.ReceiveAsync(queue, maxMessages, options.VisibilityTimeoutSeconds, waitSeconds: 0, ct);
                        return received.Count == 0 ? 0 : await service.AckAsync(queue, received.Select(m => m.Receipt), ct);
                    },
                    service.StorageRequestsAsync, cancellationToken);
                context.Record(ScenarioResult.From(SystemKind.Service, "service (HTTP)", Work.ReceiveAck, maxMessages, mode, load));
            }
        }
    }
}
