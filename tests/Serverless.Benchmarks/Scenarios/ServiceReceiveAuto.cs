using Serverless.Benchmarks.Reporting;

namespace Serverless.Benchmarks.Scenarios;

/// <summary>HTTP receive with <c>ackMode: auto</c> (maxMessages 1 and 10): at most once, the messages leave the queue as
/// they are returned — the contract of RabbitMQ's get with <c>ack_requeue_false</c>, its peer row — on sync and async
/// queues, from a backlog refilled between timed drains.</summary>
public sealed class ServiceReceiveAuto : IScenario
{
    public string Name => "service-receive-auto";

    public Task RunAsync(BenchContext context, CancellationToken cancellationToken) =>
        ServiceReceiveDrain.RunAsync(context, Name, "auto-", Work.ReceiveAuto,
            (service, queue, maxMessages, ct) => service.ReceiveAutoAsync(queue, maxMessages, ct), cancellationToken);
}
