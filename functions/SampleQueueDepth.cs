using Serverless.Telemetry;

namespace Serverless.Functions;

/// <summary>Every 30 s: measures every queue's depth (ready, in flight, delayed) and replication lag for the gauges
/// <c>serverless.queue.depth</c> and <c>serverless.replication.lag_*</c>. Returns how many queues it sampled.</summary>
public sealed class SampleQueueDepth(QueueSampler sampler)
{
    [Function(nameof(SampleQueueDepth))]
    public Task<int> Run([TimerTrigger("*/30 * * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        sampler.SampleAsync(cancellationToken);
}
