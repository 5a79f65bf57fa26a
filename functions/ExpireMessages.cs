using Serverless.Functions.Hosting;
using Serverless.Messages;

namespace Serverless.Functions;

/// <summary>Every 5 s: messages past their TTL leave their queues (dead-lettered or dropped), and
/// dead-letter and redrive moves left pending by a crash complete.</summary>
[TimerTrigger("*/5 * * * * *")]
public sealed class ExpireMessages(DueMessageReleaser releaser) : ITimerFunction
{
    public async Task<object?> RunAsync(CancellationToken cancellationToken = default) =>
        await releaser.ExpireAllAsync(cancellationToken);
}
