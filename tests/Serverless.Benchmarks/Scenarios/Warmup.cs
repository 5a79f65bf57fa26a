using Serverless.Benchmarks.Clients;
using Serverless.Benchmarks.Load;

namespace Serverless.Benchmarks.Scenarios;

/// <summary>Not recorded: brings the service, and this program's own storage clients (limit and Storage
/// Queues), past JIT compilation and connection set-up on every path the scenarios use, so that no side
/// is measured cold.</summary>
public sealed class Warmup : IScenario
{
    private const int Rounds = 200;

    public string Name => "warmup";

    public async Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var failures = 0;
        async Task Tolerant(Func<Task> call)
        {
            try
            {
                await call();
            }
            catch (Exception exception) when (exception is HttpRequestException or Azure.RequestFailedException)
            {
                if (Interlocked.Increment(ref failures) == 1) Console.Error.WriteLine($"  warm-up call failed: {exception.Message}");
            }
        }

        await WarmServiceAsync(context, Tolerant, cancellationToken);
        await WarmLimitAsync(context, Tolerant, cancellationToken);
        await WarmStorageQueuesAsync(context, Tolerant, cancellationToken);
    }

    private static async Task WarmServiceAsync(BenchContext context, Func<Func<Task>, Task> tolerant, CancellationToken cancellationToken)
    {
        var service = context.Service;
        var queue = BenchContext.UniqueName("warmup-");
        await service.DeclareQueueAsync(queue, "sync", context.Options.Shards, context.Options.VisibilityTimeoutSeconds, cancellationToken);
        try
        {
            await LoadRunner.ForEachAsync(Rounds, 8, (i, ct) => tolerant(async () =>
            {
                await service.PublishAsync(queue, i % 20 == 0 ? 10 : 1, ct);
                var received = await service.ReceiveAsync(queue, i % 2 == 0 ? 1 : 10, context.Options.VisibilityTimeoutSeconds, 0, ct);
                if (received.Count > 0) await service.AckAsync(queue, received.Select(m => m.Receipt), ct);
            }), cancellationToken);
            await service.StorageRequestsAsync(cancellationToken);
        }
        finally
        {
            await service.DeleteQueueAsync(queue, CancellationToken.None);
        }
    }

    private static async Task WarmLimitAsync(BenchContext context, Func<Func<Task>, Task> tolerant, CancellationToken cancellationToken)
    {
        var limit = context.Limit;
        var name = BenchContext.UniqueName("warmup");
        var tables = await limit.CreateTablesAsync(name, cancellationToken);
        try
        {
            await LoadRunner.ForEachAsync(Rounds, 8, (i, ct) => tolerant(async () =>
            {
                // Always published to both regions, so that a sync receive finds every message it deletes in the secondary.
                await limit.PublishAsync(tables, context.Options.Shards, i % 20 == 0 ? 10 : 1, sync: i % 3 != 0, ct);
                await LimitReceiveAck.ReceiveAndAckAsync(tables, context.Options, i % 4 < 2 ? 1 : 10, sync: false, ct);
            }), cancellationToken);
        }
        finally
        {
            await limit.DeleteTablesAsync(name, CancellationToken.None);
        }
    }

    private static async Task WarmStorageQueuesAsync(BenchContext context, Func<Func<Task>, Task> tolerant, CancellationToken cancellationToken)
    {
        var queue = await new StorageQueues(context.Environment.Primary.ConnectionString).CreateQueueAsync(BenchContext.UniqueName("warmup-"), cancellationToken);
        var body = Payload.Body(context.Options.MessageSize);
        try
        {
            await LoadRunner.ForEachAsync(Rounds, 8, (i, ct) => tolerant(async () =>
            {
                await queue.SendMessageAsync(body, ct);
                var received = (await queue.ReceiveMessagesAsync(i % 2 == 0 ? 1 : 10, TimeSpan.FromSeconds(60), ct)).Value;
                await Task.WhenAll(received.Select(m => queue.DeleteMessageAsync(m.MessageId, m.PopReceipt, ct)));
            }), cancellationToken);
        }
        finally
        {
            await queue.DeleteIfExistsAsync(CancellationToken.None);
        }
    }
}
