using Serverless.Benchmarks.Load;
using Serverless.Benchmarks.Reporting;

namespace Serverless.Benchmarks.Scenarios;

/// <summary>HTTP receive with <c>ackMode: auto</c> (maxMessages 1 and 10): at most once, the messages leave the queue as
/// they are returned — the contract of RabbitMQ's get with <c>ack_requeue_false</c>, its peer row — on sync and async
/// queues, from a backlog refilled between timed drains.</summary>
public sealed class ServiceReceiveAuto : IScenario
{
    private const int FillBatch = 100;

    public string Name => "service-receive-auto";

    public async Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var options = context.Options;
        foreach (var mode in BenchContext.Modes)
        {
            foreach (var maxMessages in new[] { 1, 10 })
            {
                await context.FreshEnvironmentAsync($"{Name} {mode} max {maxMessages}", cancellationToken);
                var service = context.Service;
                var queue = BenchContext.UniqueName("auto-");
                await service.DeclareQueueAsync(queue, mode, options.Shards, options.VisibilityTimeoutSeconds, cancellationToken);
                var load = await LoadRunner.DrainRoundsAsync(options.Concurrency, options.Duration, options.Backlog,
                    (count, ct) => LoadRunner.ForEachAsync((count + FillBatch - 1) / FillBatch, 4, (_, token) => service.PublishAsync(queue, FillBatch, token), ct),
                    (_, ct) => service.ReceiveAutoAsync(queue, maxMessages, ct),
                    service.StorageRequestsAsync, cancellationToken);
                context.Record(ScenarioResult.From(SystemKind.Service, "service (HTTP)", Work.ReceiveAuto, maxMessages, mode, load));
            }
        }
    }
}
