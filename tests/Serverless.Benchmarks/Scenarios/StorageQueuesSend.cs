using Serverless.Benchmarks.Clients;
using Serverless.Benchmarks.Load;
using Serverless.Benchmarks.Reporting;

namespace Serverless.Benchmarks.Scenarios;

/// <summary>Peer: Azure Storage Queues send, one message per request (it has no batch send).</summary>
public sealed class StorageQueuesSend : IScenario
{
    public const string System = "Storage Queues (direct)";

    public string Name => "storage-queues-send";

    public async Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var options = context.Options;
        await context.FreshEnvironmentAsync(Name, cancellationToken);
        var peer = new StorageQueues(context.Environment.Primary.ConnectionString);
        var queue = await peer.CreateQueueAsync(BenchContext.UniqueName("send-"), cancellationToken);
        var body = Payload.Body(options.MessageSize);
        try
        {
            await context.SettleServiceAsync(null, cancellationToken); // the idle service's JIT would take CPU from this measurement
            var cpu = context.Environment.Cpu.Start();
            var load = await LoadRunner.RunAsync(options.Concurrency, options.Duration, async (_, ct) =>
            {
                await queue.SendMessageAsync(body, ct);
                return 1;
            }, peer.Requests, cancellationToken);
            context.Record(ScenarioResult.From(SystemKind.Peer, System, Work.Publish, 1, "", load) with { Cpu = cpu.Stop(load.Messages) });
        }
        finally
        {
            await queue.DeleteIfExistsAsync(CancellationToken.None);
        }
    }
}
