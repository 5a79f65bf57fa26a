using Serverless.Messages;

namespace Serverless.Functions;

/// <summary>Every 5 s: messages past their TTL leave their queues (dead-lettered or dropped), and
/// dead-letter and redrive moves left pending by a crash complete.</summary>
public sealed class ExpireMessages(DueMessageReleaser releaser)
{
    [Function(nameof(ExpireMessages))]
    public Task<SweepResult> Run([TimerTrigger("*/5 * * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        releaser.ExpireAllAsync(cancellationToken);
}
