using Serverless.Queues;

namespace Serverless.Functions;

/// <summary>Every 10 s: deletes queues unused (no publish, receive or declare) for their <c>expiresSeconds</c>.</summary>
public sealed class DeleteExpiredQueues(QueueUsage usage, QueueService queues)
{
    [Function(nameof(DeleteExpiredQueues))]
    public Task<IReadOnlyList<string>> Run([TimerTrigger("*/10 * * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        usage.DeleteExpiredAsync(queues, cancellationToken);
}
