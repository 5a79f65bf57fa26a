using Serverless.Benchmarks.Reporting;

namespace Serverless.Benchmarks.Scenarios;

/// <summary>HTTP receive (maxMessages 1 and 10) followed by one ack of the receipts, on sync and async queues,
/// from a backlog refilled between timed drains.</summary>
public sealed class ServiceReceiveAck : IScenario
{
    public string Name => "service-receive-ack";

    public Task RunAsync(BenchContext context, CancellationToken cancellationToken) =>
        ServiceReceiveDrain.RunAsync(context, Name, "receive-", Work.ReceiveAck, async (service, queue, maxMessages, ct) =>
        {
            var received = await service.ReceiveAsync(queue, maxMessages, context.Options.VisibilityTimeoutSeconds, waitSeconds: 0, ct);
            return received.Count == 0 ? 0 : await service.AckAsync(queue, received.Select(m => m.Receipt), ct);
        }, cancellationToken);
}
