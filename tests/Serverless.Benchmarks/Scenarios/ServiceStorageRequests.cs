using Serverless.Benchmarks.Reporting;

namespace Serverless.Benchmarks.Scenarios;

/// <summary>Storage requests per message for each step of a message's life, counted one call at a time on an
/// idle queue: unbatched (publish 1, receive 1, ack 1, for each of 20 messages) and batched (publish 100 in
/// one call, receive them with maxMessages 100, ack them in one call). The service's background timers also
/// send requests; the least of three tries keeps them out.</summary>
public sealed class ServiceStorageRequests : IScenario
{
    private const int Unbatched = 20;
    private const int Batched = 100;
    private const int Tries = 3;

    public string Name => "service-storage-requests";

    public async Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        await context.FreshEnvironmentAsync(Name, cancellationToken);
        foreach (var mode in BenchContext.Modes)
        {
            var queue = BenchContext.UniqueName("requests-");
            await context.Service.DeclareQueueAsync(queue, mode, context.Options.Shards, context.Options.VisibilityTimeoutSeconds, cancellationToken);
            try
            {
                foreach (var (count, batch) in new[] { (Unbatched, 1), (Batched, Batched) })
                {
                    var tries = new List<double[]>();
                    for (var i = 0; i < Tries; i++) tries.Add(await CountLifecycleAsync(context, queue, count, batch, cancellationToken));
                    context.Record(new AccountingResult(mode, batch,
                        Math.Round(tries.Min(t => t[0]), 3), Math.Round(tries.Min(t => t[1]), 3), Math.Round(tries.Min(t => t[2]), 3)));
                }
            }
            finally
            {
                await context.Service.DeleteQueueAsync(queue, CancellationToken.None);
            }
        }
    }

    /// <returns>Requests per message for publish, receive and ack.</returns>
    private static async Task<double[]> CountLifecycleAsync(BenchContext context, string queue, int count, int batch, CancellationToken cancellationToken)
    {
        var service = context.Service;
        var counts = new List<long> { await service.StorageRequestsAsync(cancellationToken) };
        for (var published = 0; published < count; published += batch) await service.PublishAsync(queue, batch, cancellationToken);
        counts.Add(await service.StorageRequestsAsync(cancellationToken));
        var receipts = new List<string>();
        for (var attempt = 0; receipts.Count < count; attempt++)
        {
            if (attempt == 2 * count) throw new InvalidOperationException($"Received {receipts.Count} of {count} messages.");
            var received = await service.ReceiveAsync(queue, batch, context.Options.VisibilityTimeoutSeconds, waitSeconds: 1, cancellationToken);
            receipts.AddRange(received.Select(m => m.Receipt));
        }
        counts.Add(await service.StorageRequestsAsync(cancellationToken));
        foreach (var chunk in receipts.Chunk(batch)) await service.AckAsync(queue, chunk, cancellationToken);
        counts.Add(await service.StorageRequestsAsync(cancellationToken));
        return [.. counts.Zip(counts.Skip(1), (a, b) => (double)(b - a) / count)];
    }
}
