using Serverless.Messages;

namespace Serverless.Functions;

/// <summary>Every 5 minutes: deletes dedup rows whose window has passed.</summary>
public sealed class PruneDeduplication(DueMessageReleaser releaser)
{
    [Function(nameof(PruneDeduplication))]
    public Task<SweepResult> Run([TimerTrigger("0 */5 * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        releaser.PruneAsync(cancellationToken);
}
