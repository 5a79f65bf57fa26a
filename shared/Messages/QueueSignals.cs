using System.Collections.Concurrent;

namespace Serverless.Messages;

/// <summary>Wakes long-polling receivers of this instance when a message is published or returned to
/// their queue, so they answer at once instead of at their next poll.</summary>
public sealed class QueueSignals
{
    private readonly ConcurrentDictionary<(string Vhost, string Queue), TaskCompletionSource> waiters = new();

    public void Notify(string vhost, string queue)
    {
        if (waiters.TryRemove((vhost, queue), out var waiter)) waiter.TrySetResult();
    }

    /// <summary>Completes when notified or after <paramref name="timeout"/>, whichever is first.</summary>
    public async Task WaitAsync(string vhost, string queue, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var waiter = waiters.GetOrAdd((vhost, queue), _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            await waiter.Task.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
        }
    }
}
