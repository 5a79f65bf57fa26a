using Serverless.Benchmarks.Clients;
using Serverless.Benchmarks.Load;
using Serverless.Benchmarks.Reporting;

namespace Serverless.Benchmarks.Scenarios;

/// <summary>The receive scenarios' common run: for each mode and maxMessages 1 and 10, a fresh environment, a queue whose
/// backlog is refilled between timed drains, and one take (a receive and whatever settles it) per call.</summary>
internal static class ServiceReceiveDrain
{
    private const int FillBatch = 100;

    /// <summary><paramref name="take"/> gets the client, the queue and maxMessages; it returns the messages taken.</summary>
    public static async Task RunAsync(BenchContext context, string name, string queuePrefix, Work work,
        Func<ServiceClient, string, int, CancellationToken, Task<int>> take, CancellationToken cancellationToken)
    {
        var options = context.Options;
        foreach (var mode in BenchContext.Modes)
        {
            foreach (var maxMessages in new[] { 1, 10 })
            {
                await context.FreshEnvironmentAsync($"{name} {mode} max {maxMessages}", cancellationToken);
                var service = context.Service;
                var queue = BenchContext.UniqueName(queuePrefix);
                await service.DeclareQueueAsync(queue, mode, options.Shards, options.VisibilityTimeoutSeconds, cancellationToken);
                var load = await LoadRunner.DrainRoundsAsync(options.Concurrency, options.Duration, options.Backlog,
                    (count, ct) => LoadRunner.ForEachAsync((count + FillBatch - 1) / FillBatch, 4, (_, token) => service.PublishAsync(queue, FillBatch, token), ct),
                    (_, ct) => take(service, queue, maxMessages, ct),
                    service.StorageRequestsAsync, cancellationToken);
                context.Record(ScenarioResult.From(SystemKind.Service, "service (HTTP)", work, maxMessages, mode, load));
            }
        }
    }
}
