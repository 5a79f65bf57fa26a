using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Serverless.DevHost.Local;

namespace Serverless.DevHost.Hosting;

/// <summary>The workers devhost started, recorded in <c>&lt;data root&gt;/devhost.pids</c> with devhost's own PID,
/// so that the next start after a <c>kill -9</c> of devhost ends the worker it left behind. Only a process whose
/// command line still carries the recorded worker id is signalled: a reused PID is left alone.</summary>
public sealed class ChildProcessRecord : IDisposable
{
    public const string FileName = "devhost.pids";

    private static readonly TimeSpan LeftoverStopTimeout = TimeSpan.FromSeconds(10);

    private readonly string _path;
    private readonly Lock _gate = new();
    private readonly Dictionary<int, string> _workers = [];
    private bool _disposed;

    private ChildProcessRecord(string path) => _path = path;

    /// <summary>Full path of the record file.</summary>
    public string Path => _path;

    /// <summary>Ends the workers a killed devhost left on <paramref name="dataRoot"/>, then records this devhost.</summary>
    /// <exception cref="InvalidOperationException">Another live devhost uses the same data root.</exception>
    public static async Task<ChildProcessRecord> OpenAsync(string dataRoot, ILogger logger, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataRoot);
        ArgumentNullException.ThrowIfNull(logger);
        Directory.CreateDirectory(dataRoot);
        var record = new ChildProcessRecord(System.IO.Path.Combine(System.IO.Path.GetFullPath(dataRoot), FileName));
        if (File.Exists(record._path))
        {
            await StopLeftoversAsync(record._path, logger, cancellationToken);
        }

        record.Save();
        return record;
    }

    public void AddWorker(int pid, string workerId)
    {
        lock (_gate)
        {
            _workers[pid] = workerId;
            Save();
        }
    }

    public void RemoveWorker(int pid)
    {
        lock (_gate)
        {
            if (_workers.Remove(pid)) Save();
        }
    }

    /// <summary>Removes the record: everything it listed has been stopped.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            File.Delete(_path);
        }
    }

    private void Save()
    {
        if (_disposed) return;
        var lines = new List<string> { $"devhost {Pid(Environment.ProcessId)}" };
        lines.AddRange(_workers.Select(w => $"worker {Pid(w.Key)} {w.Value}"));
        var temporary = _path + ".tmp";
        File.WriteAllLines(temporary, lines);
        File.Move(temporary, _path, overwrite: true);
    }

    private static async Task StopLeftoversAsync(string path, ILogger logger, CancellationToken cancellationToken)
    {
        var workers = new List<(int Pid, string WorkerId)>();
        foreach (var line in await File.ReadAllLinesAsync(path, cancellationToken))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 2 || !int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid <= 0) continue;
            if (fields[0] == "devhost" && pid != Environment.ProcessId && IsDevHost(pid))
            {
                throw new InvalidOperationException(
                    $"Another devhost (pid {pid}) uses {System.IO.Path.GetDirectoryName(path)}; stop it first or give this one another DevHost:DataRoot.");
            }

            if (fields[0] == "worker" && fields.Length == 3) workers.Add((pid, fields[2]));
        }

        foreach (var (pid, workerId) in workers.Where(w => IsWorker(w.Pid, w.WorkerId)))
        {
            logger.LogWarning("Stopping worker process {Pid} left running by an earlier devhost", pid);
            UnixSignals.Terminate(pid);
            var clock = Stopwatch.StartNew();
            while (IsWorker(pid, workerId))
            {
                if (clock.Elapsed > LeftoverStopTimeout)
                {
                    UnixSignals.Kill(pid);
                    clock.Restart();
                }

                await Task.Delay(50, cancellationToken);
            }
        }
    }

    private static bool IsDevHost(int pid) =>
        ProcessCommandLine.Read(pid).Any(a => a.Contains("Serverless.DevHost", StringComparison.Ordinal));

    private static bool IsWorker(int pid, string workerId) =>
        ProcessCommandLine.Read(pid).Contains(workerId, StringComparer.Ordinal);

    private static string Pid(int pid) => pid.ToString(CultureInfo.InvariantCulture);
}
