using Serverless.Messages;

namespace Serverless.Functions;

/// <summary>Every 5 s: expired leases and due delayed messages become ready again.</summary>
public sealed class ReleaseDueMessages(DueMessageReleaser releaser)
{
    [Function(nameof(ReleaseDueMessages))]
    public Task<SweepResult> Run([TimerTrigger("*/5 * * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        releaser.ReleaseAllAsync(cancellationToken);
}
