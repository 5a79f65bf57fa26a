using System.Diagnostics;
using Serverless.DevHost.Hosting;

namespace Serverless.DevHost.Worker;

/// <summary>A worker process that has been started and is expected to open its event stream with
/// <see cref="WorkerId"/>; recorded in devhost's record of its children until it is stopped.</summary>
public sealed class LaunchedWorker
{
    private LaunchedWorker(WorkerProcess process, string workerId, Task<WorkerChannel> connected)
    {
        Process = process;
        WorkerId = workerId;
        Connected = connected;
    }

    public WorkerProcess Process { get; }

    public string WorkerId { get; }

    /// <summary>Completes when the worker opens its event stream.</summary>
    public Task<WorkerChannel> Connected { get; }

    /// <summary>Starts a worker with a new worker id, expected by <paramref name="connections"/> before it can dial.</summary>
    /// <exception cref="InvalidOperationException">The executable could not be started.</exception>
    public static LaunchedWorker Start(Func<string, ProcessStartInfo> startInfo, WorkerConnections connections, ChildProcessRecord children)
    {
        ArgumentNullException.ThrowIfNull(startInfo);
        ArgumentNullException.ThrowIfNull(connections);
        ArgumentNullException.ThrowIfNull(children);
        var workerId = Guid.NewGuid().ToString();
        var connected = connections.Expect(workerId);
        try
        {
            var process = WorkerProcess.Start(startInfo(workerId), Console.Out);
            children.AddWorker(process.ProcessId, workerId);
            return new LaunchedWorker(process, workerId, connected);
        }
        catch
        {
            connections.Forget(workerId);
            throw;
        }
    }
}
