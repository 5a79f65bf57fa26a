using System.Collections.Concurrent;

namespace Serverless.DevHost.Worker;

/// <summary>Pairs a worker's incoming event stream with the start that is waiting for it, by the worker id
/// devhost gave the worker on its command line. A stream with an unknown id is refused.</summary>
public sealed class WorkerConnections
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<WorkerChannel>> _expected = new(StringComparer.Ordinal);

    /// <summary>Registers a worker about to start; the task completes when it opens its stream.</summary>
    public Task<WorkerChannel> Expect(string workerId) =>
        _expected.GetOrAdd(workerId, _ => new TaskCompletionSource<WorkerChannel>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Stops waiting for a worker (its start failed or it was stopped).</summary>
    public void Forget(string workerId)
    {
        if (_expected.TryRemove(workerId, out var waiting)) waiting.TrySetCanceled();
    }

    /// <summary>Hands the stream of the worker that opened it with StartStream(<paramref name="workerId"/>) to the
    /// start waiting for it; false when devhost started no such worker (or it already connected).</summary>
    public bool Accept(string workerId, WorkerChannel channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        return _expected.TryRemove(workerId, out var waiting) && waiting.TrySetResult(channel);
    }
}
