using System.Diagnostics;

namespace Serverless.DevHost.Local;

/// <summary>The stop side of a child process this program started: SIGTERM with a grace period, then a
/// kill of its tree; SIGKILL at once for tests about crashes. Every step is safe to repeat.</summary>
public sealed class ChildProcess(Process process) : IAsyncDisposable
{
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(10);

    private readonly Lock stopGate = new();
    private Task? stopping;
    private bool disposed;

    public int Id { get; } = process.Id;

    /// <summary>True once the process has ended (or this object was disposed).</summary>
    public bool HasExited
    {
        get
        {
            lock (stopGate)
            {
                return disposed || process.HasExited;
            }
        }
    }

    /// <summary>SIGTERM, then kill the process tree if it has not exited within <paramref name="grace"/>.</summary>
    public Task StopAsync(TimeSpan grace)
    {
        lock (stopGate)
        {
            return stopping ??= StopCoreAsync(grace);
        }
    }

    /// <summary>SIGKILL at once, as a crash would, and wait until the process is gone.</summary>
    public void KillHard()
    {
        lock (stopGate)
        {
            if (disposed) return;
            stopping ??= Task.CompletedTask;
            if (!process.HasExited)
            {
                UnixSignals.Kill(Id);
                process.WaitForExit(KillWait);
            }
        }
    }

    /// <summary>Stops the process (if not stopped yet) with <paramref name="grace"/>, then releases it.</summary>
    public async ValueTask DisposeAsync(TimeSpan grace)
    {
        await StopAsync(grace);
        lock (stopGate)
        {
            if (disposed) return;
            disposed = true;
            process.Dispose();
        }
    }

    public ValueTask DisposeAsync() => DisposeAsync(KillWait);

    private async Task StopCoreAsync(TimeSpan grace)
    {
        if (!process.HasExited)
        {
            UnixSignals.Terminate(Id);
            using var deadline = new CancellationTokenSource(grace);
            try
            {
                await process.WaitForExitAsync(deadline.Token);
                return;
            }
            catch (OperationCanceledException)
            {
                // Still running after the grace period: a hung child must not outlive its parent's run.
            }

            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It exited between the check and the kill.
            }
        }

        await process.WaitForExitAsync();
    }
}
