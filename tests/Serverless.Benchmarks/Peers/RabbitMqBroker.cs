using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Serverless.DevHost.Local;

namespace Serverless.Benchmarks.Peers;

/// <summary>A throw-away RabbitMQ node from the Debian package (<c>apt-get install rabbitmq-server</c>) on
/// loopback, on free ports (AMQP, management HTTP, Erlang distribution and its own epmd), with the management
/// plugin and its data in a temporary folder. Disposing stops it with SIGTERM and removes the folder.</summary>
public sealed class RabbitMqBroker : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(30);
    private readonly Process process;
    private readonly Queue<string> output = new();
    private readonly string folder;
    private readonly int epmdPort;

    private RabbitMqBroker(Process process, string folder, int amqpPort, int managementPort, int epmdPort)
    {
        this.process = process;
        this.folder = folder;
        this.epmdPort = epmdPort;
        AmqpPort = amqpPort;
        ManagementPort = managementPort;
    }

    public int AmqpPort { get; }
    public int ManagementPort { get; }
    public const string User = "guest";
    public const string Password = "guest";

    /// <summary>The server script, or null when RabbitMQ is not installed.</summary>
    public static string? FindServer() =>
        new[] { "/usr/lib/rabbitmq/bin/rabbitmq-server" }
            .Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Select(d => Path.Combine(d, "rabbitmq-server")))
            .Append("/usr/sbin/rabbitmq-server")
            .FirstOrDefault(File.Exists);

    public HttpClient CreateManagementClient()
    {
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1024 })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{ManagementPort.ToString(CultureInfo.InvariantCulture)}/"),
        };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes($"{User}:{Password}")));
        return http;
    }

    public static async Task<RabbitMqBroker> StartAsync(string server, CancellationToken cancellationToken)
    {
        var ports = FreePort.Take(4);
        var folder = Path.Combine(Path.GetTempPath(), "serverless-bench-rabbitmq", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var config = Path.Combine(folder, "rabbitmq.conf");
        await File.WriteAllTextAsync(config, $"""
            listeners.tcp.default = 127.0.0.1:{ports[0]}
            management.tcp.ip = 127.0.0.1
            management.tcp.port = {ports[1]}
            loopback_users.guest = true
            """, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(folder, "enabled_plugins"), "[rabbitmq_management].", cancellationToken);

        var start = new ProcessStartInfo(server) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder };
        var environment = start.Environment;
        environment["HOME"] = folder; // the Erlang cookie lives there
        environment["RABBITMQ_NODENAME"] = $"bench{ports[2]}@localhost";
        environment["RABBITMQ_CONFIG_FILE"] = config;
        environment["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(folder, "enabled_plugins");
        environment["RABBITMQ_MNESIA_BASE"] = Path.Combine(folder, "mnesia");
        environment["RABBITMQ_LOG_BASE"] = Path.Combine(folder, "log");
        environment["RABBITMQ_PID_FILE"] = Path.Combine(folder, "rabbitmq.pid");
        environment["RABBITMQ_DIST_PORT"] = ports[2].ToString(CultureInfo.InvariantCulture);
        environment["ERL_EPMD_PORT"] = ports[3].ToString(CultureInfo.InvariantCulture);
        // Erlang's schedulers spin while idle; on a shared 2-core machine that would take CPU from the other systems' runs.
        environment["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "+sbwt none +sbwtdcpu none +sbwtdio none";
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {server}.");
        var broker = new RabbitMqBroker(process, folder, ports[0], ports[1], ports[3]);
        process.OutputDataReceived += (_, e) => broker.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => broker.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await broker.WaitUntilReadyAsync(cancellationToken);
            return broker;
        }
        catch
        {
            await broker.DisposeAsync();
            throw;
        }
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (output)
        {
            output.Enqueue(line);
            if (output.Count > 40) output.Dequeue();
        }
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var http = CreateManagementClient();
        http.Timeout = TimeSpan.FromSeconds(5);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"rabbitmq-server exited with {process.ExitCode}:\n{Tail()}");
            try
            {
                using var response = await http.GetAsync("api/overview", cancellationToken);
                if (response.IsSuccessStatusCode) return;
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // Not listening yet.
            }
            if (clock.Elapsed > StartTimeout) throw new TimeoutException($"RabbitMQ did not answer within {StartTimeout.TotalSeconds:0} s:\n{Tail()}");
            await Task.Delay(500, cancellationToken);
        }
    }

    private string Tail()
    {
        lock (output) return string.Join('\n', output);
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            UnixSignals.Terminate(process.Id);
            using var grace = new CancellationTokenSource(StopGrace);
            try
            {
                await process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
        process.Dispose();
        StopEpmd();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean the temp folder.
        }
    }

    /// <summary>The node started an epmd of its own on a private port; it outlives the node unless told to stop.</summary>
    private void StopEpmd()
    {
        try
        {
            using var epmd = Process.Start(new ProcessStartInfo("epmd", ["-port", epmdPort.ToString(CultureInfo.InvariantCulture), "-kill"])
            {
                UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
            });
            epmd?.WaitForExit(5000);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No epmd on PATH: nothing was started under that name.
        }
    }
}
