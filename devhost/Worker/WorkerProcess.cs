using System.ComponentModel;
using System.Diagnostics;
using Serverless.DevHost.Local;

namespace Serverless.DevHost.Worker;

/// <summary>A started worker process. Its stdout and stderr go to devhost's console line by line, as
/// <c>func start</c> shows them, and the last lines are kept to explain a failed start.</summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private const int OutputLinesKept = 100;
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly ChildProcess _lifecycle;
    private readonly ProcessOutputTail _output;

    private WorkerProcess(Process process, ProcessOutputTail output)
    {
        _process = process;
        _lifecycle = new ChildProcess(process);
        _output = output;
        ProcessId = process.Id;
        Exited = RecordExitAsync(process);
    }

    public int ProcessId { get; }

    /// <summary>Completes when the process has ended.</summary>
    public Task Exited { get; }

    /// <summary>The exit code once the process has ended.</summary>
    public int? ExitCode { get; private set; }

    /// <summary>The last lines the worker wrote.</summary>
    public string OutputTail => _output.ToString();

    /// <exception cref="InvalidOperationException">The executable could not be started.</exception>
    public static WorkerProcess Start(ProcessStartInfo startInfo, TextWriter console)
    {
        ArgumentNullException.ThrowIfNull(startInfo);
        var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            process.Dispose();
            throw new InvalidOperationException($"Could not start the worker '{startInfo.FileName}': {ex.Message}", ex);
        }

        var output = new ProcessOutputTail(OutputLinesKept);
        output.LineReceived += console.WriteLine;
        output.Attach(process);
        return new WorkerProcess(process, output);
    }

    /// <summary>SIGTERM, then a kill if the worker has not exited within 10 s. Safe to call more than once.</summary>
    public Task StopAsync() => _lifecycle.StopAsync(StopGrace);

    /// <summary>SIGKILL at once.</summary>
    public void Kill() => _lifecycle.KillHard();

    public ValueTask DisposeAsync() => _lifecycle.DisposeAsync(StopGrace);

    private async Task RecordExitAsync(Process process)
    {
        await process.WaitForExitAsync();
        ExitCode = process.ExitCode;
    }
}
