using Serverless.Benchmarks.Clients;
using Serverless.Benchmarks.Load;
using Serverless.Benchmarks.Reporting;

namespace Serverless.Benchmarks.Scenarios;

/// <summary>Peer: Azure Storage Queues receive (1 and 10 messages) and a delete per message (it has no batch
/// delete), from a backlog refilled between timed drains.</summary>
public sealed class StorageQueuesReceiveDelete : IScenario
{
    public string Name => "storage-queues-receive-delete";

    public async Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var body = Payload.Body(options.MessageSize);
        var visibility = TimeSpan.FromSeconds(options.VisibilityTimeoutSeconds);
        foreach (var maxMessages in new[] { 1, 10 })
        {
            await context.FreshEnvironmentAsync($"{Name} max {maxMessages}", cancellationToken);
            var peer = new StorageQueues(context.Environment.Primary.ConnectionString);
            var queue = await peer.CreateQueueAsync(BenchContext.UniqueName("receive-"), cancellationToken);
            try
            {
                var load = await LoadRunner.DrainRoundsAsync(options.Concurrency, options.Duration, options.Backlog,
                    (count, ct) => LoadRunner.ForEachAsync(count, 16, (_, token) => queue.SendMessageAsync(body, token), ct),
                    async (_, ct) =>
                    {
                        var received = (await queue.ReceiveMessagesAsync(maxMessages, visibility, ct)).Value;
                        await Task.WhenAll(received.Select(m => queue.DeleteMessageAsync(m.MessageId, m.PopReceipt, ct)));
                        return received.Length;
                    },
                    peer.Requests, cancellationToken);
                context.Record(ScenarioResult.From(SystemKind.Peer, StorageQueuesSend.System, Work.ReceiveAck, maxMessages, "", load));
            }
            finally
            {
                await queue.DeleteIfExistsAsync(CancellationToken.None);
            }
        }
    }
}
