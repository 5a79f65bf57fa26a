using System.Diagnostics;
using System.Globalization;
using Serverless.DevHost.Functions;

namespace Serverless.DevHost.Worker;

/// <summary>The command line and environment the Functions host starts a language worker with: the executable
/// and worker path of worker.config.json, the gRPC endpoint and ids in both the old (<c>--host</c>, <c>--port</c>, ...)
/// and the new (<c>--functions-uri</c>, ...) switches, the FUNCTIONS_* variables, and the app settings as
/// environment variables.</summary>
public static class WorkerCommandLine
{
    /// <summary>The largest gRPC message the host lets a worker send (the host passes int.MaxValue).</summary>
    public const int GrpcMaxMessageLength = int.MaxValue;

    // Inherited settings that would move the worker's own HTTP server, or that belong to devhost alone.
    private static readonly string[] DevHostOnlyVariables =
        ["ASPNETCORE_URLS", "DOTNET_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS", "URLS", "Urls"];

    public static ProcessStartInfo Create(
        FunctionApp app, Uri grpcUri, string workerId, string requestId, IEnumerable<KeyValuePair<string, string?>> appSettings)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(grpcUri);
        ArgumentNullException.ThrowIfNull(appSettings);

        var startInfo = new ProcessStartInfo(ResolveExecutable(app))
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
            WorkingDirectory = app.Directory,
        };
        foreach (var argument in app.Worker.ExecutableArguments) startInfo.ArgumentList.Add(argument);
        if (!string.IsNullOrEmpty(app.Worker.WorkerPath)) startInfo.ArgumentList.Add(Path.Combine(app.Directory, app.Worker.WorkerPath));
        foreach (var argument in app.Worker.WorkerArguments) startInfo.ArgumentList.Add(argument);

        var maxLength = GrpcMaxMessageLength.ToString(CultureInfo.InvariantCulture);
        string[] hostArguments =
        [
            "--host", grpcUri.Host,
            "--port", grpcUri.Port.ToString(CultureInfo.InvariantCulture),
            "--workerId", workerId,
            "--requestId", requestId,
            "--grpcMaxMessageLength", maxLength,
            "--functions-uri", grpcUri.ToString(),
            "--functions-worker-id", workerId,
            "--functions-request-id", requestId,
            "--functions-grpc-max-message-length", maxLength,
        ];
        foreach (var argument in hostArguments) startInfo.ArgumentList.Add(argument);

        var environment = startInfo.Environment;
        foreach (var name in DevHostOnlyVariables) environment.Remove(name);
        foreach (var name in environment.Keys.Where(k => k.StartsWith("DevHost__", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            environment.Remove(name);
        }

        foreach (var (key, value) in appSettings)
        {
            var name = key.Replace(":", "__", StringComparison.Ordinal);
            if (value is null) environment.Remove(name);
            else environment[name] = value;
        }

        environment["FUNCTIONS_WORKER_RUNTIME"] = app.Worker.Language;
        environment["FUNCTIONS_APPLICATION_DIRECTORY"] = app.Directory;
        environment["FUNCTIONS_WORKER_DIRECTORY"] = app.Directory;
        environment["AzureWebJobsScriptRoot"] = app.Directory;
        if (!environment.ContainsKey("AZURE_FUNCTIONS_ENVIRONMENT"))
        {
            // What `func start` sets: the worker runs as a development host.
            environment["AZURE_FUNCTIONS_ENVIRONMENT"] = "Development";
        }

        return startInfo;
    }

    private static string ResolveExecutable(FunctionApp app)
    {
        var executable = app.Worker.ExecutablePath;
        if (executable is "dotnet" or "dotnet.exe") return DotnetHost();
        if (Path.IsPathRooted(executable)) return executable;
        var inApp = Path.Combine(app.Directory, executable);
        return File.Exists(inApp) ? inApp : executable;
    }

    // The muxer running devhost, so the worker uses the same .NET install.
    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)) return host;
        var self = Environment.ProcessPath;
        return self is not null && Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase) ? self : "dotnet";
    }
}
