using System.Buffers.Text;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using System.Security.Cryptography;
using Serverless.DevHost.Hosting;
using Serverless.DevHost.Local;

namespace Serverless.Testing;

/// <summary>The service as a developer runs it: the built devhost, on free loopback ports, running the built
/// function app (the unmodified isolated worker) with the test's regions. Tests see exactly the HTTP surface a user
/// sees, through the real worker pipeline.</summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private const int OutputLinesKept = 2000;
    private const int StartAttempts = 3;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(20);

    // Inherited settings that would make devhost listen somewhere other than the port chosen here.
    private static readonly string[] InheritedUrlVariables =
        ["ASPNETCORE_URLS", "DOTNET_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS", "URLS"];

    private readonly Process _process;
    private readonly ProcessOutputTail _output;
    private readonly ChildProcess _lifecycle;
    private readonly bool _ownsDataRoot;

    private ServiceProcess(Process process, ProcessOutputTail output, Uri baseAddress, string adminKey, string dataRoot, bool ownsDataRoot)
    {
        _process = process;
        _lifecycle = new ChildProcess(process);
        _output = output;
        _ownsDataRoot = ownsDataRoot;
        ProcessId = process.Id;
        BaseAddress = baseAddress;
        AdminKey = adminKey;
        DataRoot = dataRoot;
    }

    /// <summary>The devhost process.</summary>
    public int ProcessId { get; }

    /// <summary>Root of the service, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; }

    public string AdminKey { get; }

    /// <summary>devhost's data root (<c>DevHost:DataRoot</c>).</summary>
    public string DataRoot { get; }

    /// <summary>The last lines devhost (and through it the worker) wrote to stdout and stderr.</summary>
    public IReadOnlyList<string> OutputLines => _output.Snapshot();

    public bool HasExited => _lifecycle.HasExited;

    /// <summary>The worker process devhost runs now, from its record of its children; null when none runs.</summary>
    public int? WorkerProcessId => RecordedWorkers(DataRoot).Select(w => (int?)w.Pid).LastOrDefault();

    /// <summary>Starts devhost and returns once <c>GET /api/health</c> is answered by the function app.</summary>
    /// <exception cref="InvalidOperationException">devhost exited before it answered.</exception>
    /// <exception cref="TimeoutException">It did not answer within <see cref="ServiceProcessOptions.StartTimeout"/>.</exception>
    public static async Task<ServiceProcess> StartAsync(ServiceProcessOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var devHost = Path.GetFullPath(options.DevHostAssemblyPath ?? DefaultDevHostPath());
        if (!File.Exists(devHost))
        {
            throw new FileNotFoundException("devhost was not found; build devhost (it builds the function app too).", devHost);
        }

        var ownsDataRoot = options.DataRoot is null;
        var dataRoot = options.DataRoot ?? TestFolders.Create("serverless-devhost");
        var adminKey = options.AdminKey ?? NewAdminKey();
        for (var attempt = 1; ; attempt++)
        {
            var service = Launch(devHost, options, adminKey, dataRoot, ownsDataRoot);
            try
            {
                await service.WaitUntilAnsweringAsync(options.StartTimeout, cancellationToken);
                return service;
            }
            catch (InvalidOperationException) when (attempt < StartAttempts && service.OutputLines.Any(l => l.Contains("already in use", StringComparison.Ordinal)))
            {
                // Another process took the free port first: try other ports.
                await service.DisposeAsync();
            }
            catch
            {
                service.KillHard();
                await service.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>A client for the service that sends the admin key as a bearer token. The caller disposes it.</summary>
    public HttpClient CreateClient()
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        return client;
    }

    /// <summary>Stops devhost with SIGTERM (it stops its worker and any regions it started), killing it if it has not
    /// exited within 20 s. Safe to call more than once.</summary>
    public Task StopAsync() => _lifecycle.StopAsync(StopGrace);

    /// <summary>Ends devhost and its worker at once with SIGKILL, as a crashed machine would, and waits until both are gone.</summary>
    public void KillHard()
    {
        var workers = RecordedWorkers(DataRoot);
        _lifecycle.KillHard();
        foreach (var (pid, workerId) in workers) KillIfRunning(pid, workerId);
    }

    /// <summary>Ends devhost alone with SIGKILL: its worker (and regions) are left running, as after a crash of the host
    /// process; the next devhost on the same data root must end them.</summary>
    public void KillDevHostOnly() => _lifecycle.KillHard();

    /// <summary>Ends the worker alone with SIGKILL: devhost must notice and start a new one.</summary>
    /// <returns>The killed worker's PID.</returns>
    public int KillWorker()
    {
        var (pid, workerId) = RecordedWorkers(DataRoot).LastOrDefault();
        if (pid == 0) throw new InvalidOperationException("devhost runs no worker now.");
        KillIfRunning(pid, workerId);
        return pid;
    }

    public async ValueTask DisposeAsync()
    {
        var workers = RecordedWorkers(DataRoot);
        await _lifecycle.DisposeAsync(StopGrace);

        // devhost killed alone leaves its worker behind; a test must not.
        foreach (var (pid, workerId) in workers) KillIfRunning(pid, workerId);
        if (_ownsDataRoot) TestFolders.DeleteQuietly(DataRoot);
    }

    /// <summary>Releases a devhost killed with <see cref="KillDevHostOnly"/> and leaves what it started running (and
    /// its data root in place), for a test of what the next devhost does with them.</summary>
    public ValueTask DisposeKeepingChildrenAsync() => _lifecycle.DisposeAsync(StopGrace);

    /// <summary>The workers recorded in <c>&lt;dataRoot&gt;/devhost.pids</c>, oldest first.</summary>
    public static IReadOnlyList<(int Pid, string WorkerId)> RecordedWorkers(string dataRoot)
    {
        var path = Path.Combine(dataRoot, ChildProcessRecord.FileName);
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }

        return lines
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f is ["worker", _, _] && int.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out _))
            .Select(f => (int.Parse(f[1], CultureInfo.InvariantCulture), f[2]))
            .ToList();
    }

    /// <summary>True while process <paramref name="pid"/> is the worker with id <paramref name="workerId"/>.</summary>
    public static bool IsRunningWorker(int pid, string workerId) => ProcessCommandLine.Read(pid).Contains(workerId, StringComparer.Ordinal);

    private static void KillIfRunning(int pid, string workerId)
    {
        if (!IsRunningWorker(pid, workerId)) return;
        UnixSignals.Kill(pid);
        var clock = Stopwatch.StartNew();
        while (IsRunningWorker(pid, workerId) && clock.Elapsed < TimeSpan.FromSeconds(10)) Thread.Sleep(20);
    }

    private static ServiceProcess Launch(string devHost, ServiceProcessOptions options, string adminKey, string dataRoot, bool ownsDataRoot)
    {
        var port = FreePort.Next();
        var baseAddress = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        var startInfo = new ProcessStartInfo(DotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
            WorkingDirectory = Path.GetDirectoryName(devHost)!,
        };
        string[] arguments = [devHost, "--urls", baseAddress.GetLeftPart(UriPartial.Authority), $"--DevHost:DataRoot={dataRoot}"];
        foreach (var argument in arguments) startInfo.ArgumentList.Add(argument);
        if (options.AppDirectory is not null)
        {
            startInfo.ArgumentList.Add("--app");
            startInfo.ArgumentList.Add(options.AppDirectory);
        }

        ConfigureEnvironment(startInfo.Environment, options, adminKey);
        var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            process.Dispose();
            throw new InvalidOperationException($"Could not start '{startInfo.FileName}'.", ex);
        }

        var output = new ProcessOutputTail(OutputLinesKept);
        output.Attach(process);
        return new ServiceProcess(process, output, baseAddress, adminKey, dataRoot, ownsDataRoot);
    }

    private static string DefaultDevHostPath() =>
        typeof(ServiceProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "Serverless.Testing.DevHostPath").Value!;

    private static string NewAdminKey() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    // The muxer that runs this test host, so the child uses the same .NET install.
    private static string DotnetHost() =>
        System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    private static void ConfigureEnvironment(IDictionary<string, string?> environment, ServiceProcessOptions options, string adminKey)
    {
        foreach (var name in InheritedUrlVariables) environment.Remove(name);
        foreach (var name in environment.Keys.Where(k => k.Equals("Urls", StringComparison.OrdinalIgnoreCase)
                     || k.StartsWith("Regions__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("DevHost__", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            environment.Remove(name);
        }

        foreach (var (key, value) in options.RegionConfiguration) environment[ToEnvironmentName(key)] = value;
        environment["Auth__AdminKey"] = adminKey;
        // Azurite accepts transactions Azure refuses: the service refuses them as Azure does (options.Environment may turn it off).
        environment["Diagnostics__EnforceAzureTableRules"] = "true";
        foreach (var (key, value) in options.Environment)
        {
            var name = ToEnvironmentName(key);
            if (value is null) environment.Remove(name);
            else environment[name] = value;
        }
    }

    private static string ToEnvironmentName(string key) => key.Replace(":", "__", StringComparison.Ordinal);

    private async Task WaitUntilAnsweringAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var probe = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(15) };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                // Waiting again lets the output readers reach the end of the streams.
                await _process.WaitForExitAsync(cancellationToken);
                throw new InvalidOperationException(
                    $"devhost exited with code {_process.ExitCode} before the service answered:{System.Environment.NewLine}{_output}");
            }

            try
            {
                // A 503 problem is devhost's own answer while its worker starts (the app's 503 is a health report).
                using var response = await probe.GetAsync("api/health", cancellationToken);
                if (response.StatusCode != HttpStatusCode.ServiceUnavailable
                    || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The probe timed out: listening but not yet serving.
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException(
                    $"The service did not answer GET /api/health within {timeout.TotalSeconds:0} s:{System.Environment.NewLine}{_output}");
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }
}
