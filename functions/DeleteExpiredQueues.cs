using Serverless.Functions.Hosting;
using Serverless.Queues;

namespace Serverless.Functions;

/// <summary>Every 10 s: deletes queues unused (no publish, receive or declare) for their <c>expiresSeconds</c>.</summary>
[TimerTrigger("*/10 * * * * *")]
public sealed class DeleteExpiredQueues(QueueUsage usage, QueueService queues) : ITimerFunction
{
    public async Task<object?> RunAsync(CancellationToken cancellationToken = default) =>
        await usage.DeleteExpiredAsync(queues, cancellationToken);
}
