using Serverless.Queues;

namespace Serverless.Functions;

/// <summary>Every 15 s: deletes the rows of deleted queue incarnations (a page per incarnation per pass, so a large
/// queue goes over several passes), and finishes or rolls back queue deletes that were interrupted.</summary>
public sealed class CollectDeletedQueues(QueueService queues)
{
    private const int RowsPerIncarnationPerPass = 5_000;

    [Function(nameof(CollectDeletedQueues))]
    public Task<CollectResult> Run([TimerTrigger("*/15 * * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        queues.CollectAsync(RowsPerIncarnationPerPass, cancellationToken);
}
