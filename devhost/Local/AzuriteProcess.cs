using System.ComponentModel;
using System.Diagnostics;

namespace Serverless.DevHost.Local;

/// <summary>One Azurite emulator process: the blob, queue and table store of one local region,
/// on three free loopback ports.</summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
    private const string AccountName = "devstoreaccount1";

    // Azurite's published development key; it is the same on every machine and guards nothing.
    private const string AccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private const int OutputLinesKept = 50;
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan DefaultStopTimeout = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly ProcessOutputTail _output;
    private readonly ChildProcess _lifecycle;
    private volatile bool _queueListening;
    private volatile bool _tableListening;

    private AzuriteProcess(Process process, ProcessOutputTail output, int blobPort, int queuePort, int tablePort)
    {
        _process = process;
        _lifecycle = new ChildProcess(process);
        _output = output;
        ProcessId = process.Id;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
        ConnectionString =
            $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
            $"BlobEndpoint=http://127.0.0.1:{blobPort}/{AccountName};" +
            $"QueueEndpoint=http://127.0.0.1:{queuePort}/{AccountName};" +
            $"TableEndpoint=http://127.0.0.1:{tablePort}/{AccountName};";
    }

    public int ProcessId { get; }

    public int BlobPort { get; }

    public int QueuePort { get; }

    public int TablePort { get; }

    /// <summary>Shared-key connection string with explicit endpoints for all three services.</summary>
    public string ConnectionString { get; }

    /// <summary>True once the process has ended (or this object was disposed).</summary>
    public bool HasExited => _lifecycle.HasExited;

    /// <summary>The last lines Azurite wrote to stdout and stderr.</summary>
    public IReadOnlyList<string> Output => _output.Snapshot();

    /// <summary>Starts Azurite and returns once its table and queue endpoints accept connections.</summary>
    /// <exception cref="InvalidOperationException">Node could not start, or Azurite exited before it was ready.</exception>
    /// <exception cref="TimeoutException">Azurite was not ready within 30 seconds.</exception>
    public static async Task<AzuriteProcess> StartAsync(AzuriteStartOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);

        var script = options.AzuriteScriptPath ?? AzuriteLocator.FindScript();
        string? location = null;
        if (!options.InMemory)
        {
            if (string.IsNullOrWhiteSpace(options.Location))
            {
                throw new ArgumentException("Location is required unless InMemory is set.", nameof(options));
            }

            location = Path.GetFullPath(options.Location);
            Directory.CreateDirectory(location);
        }

        // Another process can take a port between FreePort choosing it and Azurite binding it:
        // one retry with fresh ports covers that race.
        var started = await TryStartAsync(script, location, lastAttempt: false, cancellationToken);
        return started ?? (await TryStartAsync(script, location, lastAttempt: true, cancellationToken))!;
    }

    /// <summary>Stops Azurite with SIGTERM so it flushes its data, and kills it if it has not exited
    /// within <paramref name="timeout"/> (default 10 s). Safe to call more than once.</summary>
    public Task StopAsync(TimeSpan? timeout = null)
    {
        return _lifecycle.StopAsync(timeout ?? DefaultStopTimeout);
    }

    /// <summary>Ends Azurite at once with SIGKILL, losing its unflushed writes, as a crashed region would.</summary>
    public void KillHard() => _lifecycle.KillHard();

    public ValueTask DisposeAsync() => _lifecycle.DisposeAsync(DefaultStopTimeout);

    private static async Task<AzuriteProcess?> TryStartAsync(
        string script, string? location, bool lastAttempt, CancellationToken cancellationToken)
    {
        var ports = FreePort.Take(3);
        var (blobPort, queuePort, tablePort) = (ports[0], ports[1], ports[2]);

        var startInfo = new ProcessStartInfo("node")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        string[] arguments =
        [
            script, "--silent", "--skipApiVersionCheck", "--loose", "--disableTelemetry", "--disableProductStyleUrl",
            "--blobHost", "127.0.0.1", "--blobPort", Port(blobPort),
            "--queueHost", "127.0.0.1", "--queuePort", Port(queuePort),
            "--tableHost", "127.0.0.1", "--tablePort", Port(tablePort),
        ];
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        if (location is null)
        {
            startInfo.ArgumentList.Add("--inMemoryPersistence");
        }
        else
        {
            startInfo.ArgumentList.Add("--location");
            startInfo.ArgumentList.Add(location);
        }

        var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            process.Dispose();
            throw new InvalidOperationException("Could not start `node`: Azurite needs Node.js 20 or later on PATH.", ex);
        }

        var output = new ProcessOutputTail(OutputLinesKept);
        var azurite = new AzuriteProcess(process, output, blobPort, queuePort, tablePort);
        output.LineReceived += azurite.OnOutputLine;
        output.Attach(process);
        try
        {
            if (await azurite.WaitUntilReadyAsync(cancellationToken))
            {
                return azurite;
            }

            await azurite.DisposeAsync();
            if (lastAttempt)
            {
                throw new InvalidOperationException(
                    $"Azurite could not bind its ports twice in a row:{Environment.NewLine}{output}");
            }

            return null;
        }
        catch
        {
            azurite.KillHard();
            await azurite.DisposeAsync();
            throw;
        }
    }

    private static string Port(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    // Returns false when Azurite exited because a port was taken (worth a retry with other ports).
    private async Task<bool> WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                // Waiting again lets the output readers reach the end of the streams.
                await _process.WaitForExitAsync(cancellationToken);
                if (_output.Snapshot().Any(l => l.Contains("EADDRINUSE", StringComparison.Ordinal)))
                {
                    return false;
                }

                throw new InvalidOperationException(
                    $"Azurite exited with code {_process.ExitCode} before it was ready:{Environment.NewLine}{_output}");
            }

            // The "listening" lines prove the ports are Azurite's, not another process's that took them first.
            if (_queueListening && _tableListening
                && await FreePort.IsOpenAsync(QueuePort, cancellationToken)
                && await FreePort.IsOpenAsync(TablePort, cancellationToken))
            {
                return true;
            }

            if (clock.Elapsed > ReadyTimeout)
            {
                throw new TimeoutException(
                    $"Azurite did not accept connections within {ReadyTimeout.TotalSeconds:0} s:{Environment.NewLine}{_output}");
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    private void OnOutputLine(string line)
    {
        // Azurite 3.x prints "Azurite Table service is successfully listening at http://127.0.0.1:<port>".
        if (!line.Contains("successfully listening", StringComparison.Ordinal))
        {
            return;
        }

        if (line.EndsWith($"127.0.0.1:{Port(QueuePort)}", StringComparison.Ordinal))
        {
            _queueListening = true;
        }
        else if (line.EndsWith($"127.0.0.1:{Port(TablePort)}", StringComparison.Ordinal))
        {
            _tableListening = true;
        }
    }
}
