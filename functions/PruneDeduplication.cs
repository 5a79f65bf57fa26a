using Serverless.Functions.Hosting;
using Serverless.Messages;

namespace Serverless.Functions;

/// <summary>Every 5 minutes: deletes dedup rows whose window has passed.</summary>
[TimerTrigger("0 */5 * * * *")]
public sealed class PruneDeduplication(DueMessageReleaser releaser) : ITimerFunction
{
    public async Task<object?> RunAsync(CancellationToken cancellationToken = default) =>
        await releaser.PruneAsync(cancellationToken);
}
