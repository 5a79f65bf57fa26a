using Serverless.Functions.Hosting;
using Serverless.Messages;

namespace Serverless.Functions;

/// <summary>Every 5 s: expired leases and due delayed messages become ready again.</summary>
[TimerTrigger("*/5 * * * * *")]
public sealed class ReleaseDueMessages(DueMessageReleaser releaser) : ITimerFunction
{
    public async Task<object?> RunAsync(CancellationToken cancellationToken = default) =>
        await releaser.ReleaseAllAsync(cancellationToken);
}
