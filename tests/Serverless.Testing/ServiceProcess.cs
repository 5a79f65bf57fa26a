using System.Buffers.Text;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Serverless.Functions.Hosting.Local;

namespace Serverless.Testing;

/// <summary>The built service executable running as a child process, as it runs on a laptop or
/// under the Functions host: tests then see exactly the HTTP surface a user sees.</summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private const int OutputLinesKept = 2000;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(15);

    // Inherited settings that would make the child listen somewhere other than the port chosen here.
    private static readonly string[] InheritedUrlVariables =
        ["ASPNETCORE_URLS", "DOTNET_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS", "FUNCTIONS_CUSTOMHANDLER_PORT", "URLS"];

    private readonly Process _process;
    private readonly ProcessOutputTail _output;
    private readonly ChildProcess _lifecycle;

    private ServiceProcess(Process process, ProcessOutputTail output, Uri baseAddress, string adminKey)
    {
        _process = process;
        _lifecycle = new ChildProcess(process);
        _output = output;
        ProcessId = process.Id;
        BaseAddress = baseAddress;
        AdminKey = adminKey;
    }

    public int ProcessId { get; }

    /// <summary>Root of the service, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; }

    public string AdminKey { get; }

    /// <summary>The last lines the service wrote to stdout and stderr.</summary>
    public IReadOnlyList<string> OutputLines => _output.Snapshot();

    public bool HasExited => _lifecycle.HasExited;

    /// <summary>Starts <c>dotnet Serverless.Functions.dll</c> and returns once it answers HTTP
    /// (<c>GET /api/health</c>, or <c>GET /</c> as a custom handler) with any status.</summary>
    /// <exception cref="InvalidOperationException">The service exited before it answered.</exception>
    /// <exception cref="TimeoutException">It did not answer within <see cref="ServiceProcessOptions.StartTimeout"/>.</exception>
    public static async Task<ServiceProcess> StartAsync(ServiceProcessOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);

        var assembly = Path.GetFullPath(options.ServiceAssemblyPath ?? Path.Combine(AppContext.BaseDirectory, "Serverless.Functions.dll"));
        if (!File.Exists(assembly))
        {
            throw new FileNotFoundException("The service assembly was not found; build the functions project first.", assembly);
        }

        var adminKey = options.AdminKey ?? NewAdminKey();
        var port = options.CustomHandlerPort ?? FreePort.Next();
        var baseAddress = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        var readinessPath = options.CustomHandlerPort is null ? "api/health" : "";

        var startInfo = new ProcessStartInfo(DotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
            WorkingDirectory = options.WorkingDirectory ?? Path.GetDirectoryName(assembly)!,
        };
        startInfo.ArgumentList.Add(assembly);
        ConfigureEnvironment(startInfo.Environment, options, adminKey, baseAddress);

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
        var service = new ServiceProcess(process, output, baseAddress, adminKey);
        try
        {
            await service.WaitUntilAnsweringAsync(readinessPath, options.StartTimeout, cancellationToken);
            return service;
        }
        catch
        {
            service.KillHard();
            await service.DisposeAsync();
            throw;
        }
    }

    /// <summary>A client for the service that sends the admin key as a bearer token. The caller disposes it.</summary>
    public HttpClient CreateClient()
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        return client;
    }

    /// <summary>Stops the service with SIGTERM (a graceful ASP.NET Core shutdown), killing it if it has not
    /// exited within 15 s. Safe to call more than once.</summary>
    public Task StopAsync()
    {
        return _lifecycle.StopAsync(StopGrace);
    }

    /// <summary>Ends the service at once with SIGKILL, as a crashed host would, and waits until it is gone.</summary>
    public void KillHard() => _lifecycle.KillHard();

    public ValueTask DisposeAsync() => _lifecycle.DisposeAsync(StopGrace);

    private static string NewAdminKey() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    // The muxer that runs this test host, so the child uses the same .NET install.
    private static string DotnetHost() =>
        System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    private static void ConfigureEnvironment(
        IDictionary<string, string?> environment, ServiceProcessOptions options, string adminKey, Uri baseAddress)
    {
        foreach (var name in InheritedUrlVariables)
        {
            environment.Remove(name);
        }

        foreach (var name in environment.Keys.Where(k => k.StartsWith("Regions__", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            environment.Remove(name);
        }

        foreach (var (key, value) in options.RegionConfiguration)
        {
            environment[ToEnvironmentName(key)] = value;
        }

        environment["Auth__AdminKey"] = adminKey;
        // Azurite accepts transactions Azure refuses: the service refuses them as Azure does (options.Environment may turn it off).
        environment["Diagnostics__EnforceAzureTableRules"] = "true";
        environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        if (options.CustomHandlerPort is { } handlerPort)
        {
            environment["FUNCTIONS_CUSTOMHANDLER_PORT"] = handlerPort.ToString(CultureInfo.InvariantCulture);
        }
        else
        {
            environment["Urls"] = baseAddress.GetLeftPart(UriPartial.Authority);
        }

        foreach (var (key, value) in options.Environment)
        {
            var name = ToEnvironmentName(key);
            if (value is null)
            {
                environment.Remove(name);
            }
            else
            {
                environment[name] = value;
            }
        }
    }

    private static string ToEnvironmentName(string key) => key.Replace(":", "__", StringComparison.Ordinal);

    private async Task WaitUntilAnsweringAsync(string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var probe = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                // Waiting again lets the output readers reach the end of the streams.
                await _process.WaitForExitAsync(cancellationToken);
                throw new InvalidOperationException(
                    $"The service exited with code {_process.ExitCode} before it answered:{System.Environment.NewLine}{_output}");
            }

            try
            {
                using var response = await probe.GetAsync(path, cancellationToken);
                return;
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
                    $"The service did not answer GET /{path} within {timeout.TotalSeconds:0} s:{System.Environment.NewLine}{_output}");
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }
}
