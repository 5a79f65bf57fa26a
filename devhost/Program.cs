using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging.Console;
using Serverless.DevHost.Admin;
using Serverless.DevHost.Functions;
using Serverless.DevHost.Hosting;
using Serverless.DevHost.Http;
using Serverless.DevHost.Local;
using Serverless.DevHost.Triggers;
using Serverless.DevHost.Worker;

// devhost: the stand-in for the Azure Functions host (`func start`) that runs the built isolated worker locally and
// in the tests. Start-up problems are reported on one line, with a non-zero exit code and no stack trace.
LocalRegions? localRegions = null;
ChildProcessRecord? children = null;
WorkerPrelaunch? prelaunch = null;
try
{
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions
    {
        Args = DevHostCommandLine.Expand(args),
        ContentRootPath = AppContext.BaseDirectory,
    });
    builder.Logging.AddSimpleConsole(console =>
    {
        console.SingleLine = true;
        console.TimestampFormat = "HH:mm:ss ";
        console.ColorBehavior = LoggerColorBehavior.Disabled;
    });
    foreach (var quiet in new[] { "Microsoft.AspNetCore", "Microsoft.Hosting.Lifetime", "Grpc", "Yarp" })
    {
        builder.Logging.AddFilter(quiet, LogLevel.Warning);
    }

    // Nothing of devhost's is encrypted (key ring warning); devhost binds its addresses itself ("overriding address"
    // warning); a port already in use is reported on one line, not with the host's stack trace.
    builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
    builder.Logging.AddFilter("Microsoft.AspNetCore.Server.Kestrel", LogLevel.Error);
    builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", (level) => level >= LogLevel.Error && HostState.Started);

    var options = builder.Configuration.GetSection(DevHostOptions.SectionName).Get<DevHostOptions>() ?? new DevHostOptions();
    if (options.Validate() is { } invalid) return Fail(invalid);

    var appDirectory = options.AppDirectory ?? DefaultFunctionApp.Directory()
        ?? throw new InvalidOperationException("No function app: pass --app <folder> (DevHost:AppDirectory).");
    var app = FunctionApp.Load(appDirectory);
    var listen = ListenAddress.ParseList(builder.Configuration["urls"] ?? ListenAddress.DefaultUrls);
    var grpcPort = options.GrpcPort == 0 ? FreePort.Next() : options.GrpcPort;

    using var startupLogs = LoggerFactory.Create(logging => logging.AddSimpleConsole(console => console.SingleLine = true));
    var startupLogger = startupLogs.CreateLogger("Serverless.DevHost");
    var dataRoot = Path.GetFullPath(options.DataRoot ?? LocalDataRoot.Find());
    children = await ChildProcessRecord.OpenAsync(dataRoot, startupLogger);

    // No regions configured: the embedded default, two local Azurite instances as two regions, and a kept admin key.
    var generated = new Dictionary<string, string?>();
    if (!builder.Configuration.GetSection("Regions").GetChildren().Any())
    {
        localRegions = await LocalRegions.StartAsync(dataRoot, startupLogger);
        foreach (var (key, value) in localRegions.ToConfiguration()) generated[key] = value;
        if (string.IsNullOrEmpty(builder.Configuration[AdminKey.ConfigurationKey]))
        {
            generated[AdminKey.ConfigurationKey] = LocalRegions.LoadOrCreateAdminKey(dataRoot);
        }
    }

    builder.Configuration.AddInMemoryCollection(generated);
    var appSettings = AppSettings.Collect(builder.Configuration, generated);

    // The worker starts now, side by side with devhost's own server: its start is most of devhost's start time.
    var connections = new WorkerConnections();
    var launch = new WorkerLaunchSettings(app, new Uri($"http://127.0.0.1:{grpcPort}/"), appSettings);
    prelaunch = new WorkerPrelaunch(LaunchedWorker.Start(launch.StartInfo, connections, children));

    // The URLs are bound explicitly (with the worker's HTTP/2-only gRPC endpoint beside them), not through "urls".
    builder.Configuration["urls"] = string.Empty;
    builder.WebHost.ConfigureKestrel(kestrel =>
    {
        kestrel.Limits.MaxRequestBodySize = 100 * 1024 * 1024;
        foreach (var address in listen)
        {
            if (address.Address is { } ip) kestrel.Listen(ip, address.Port, endpoint => endpoint.Use(BareBadRequestRewriter.Middleware));
            else kestrel.ListenLocalhost(address.Port, endpoint => endpoint.Use(BareBadRequestRewriter.Middleware));
        }

        kestrel.Listen(System.Net.IPAddress.Loopback, grpcPort, endpoint => endpoint.Protocols = HttpProtocols.Http2);
    });

    var services = builder.Services;
    services.Configure<DevHostOptions>(builder.Configuration.GetSection(DevHostOptions.SectionName));
    services.AddGrpc(grpc =>
    {
        grpc.MaxReceiveMessageSize = null;
        grpc.MaxSendMessageSize = null;

        // No catch-all "/{service}/{method}" endpoints for unknown gRPC calls: they would take two-segment app paths.
        grpc.IgnoreUnknownServices = true;
    });
    services.AddHttpForwarder();
    var corsOrigins = CorsSettings.AllowedOrigins(builder.Configuration);
    if (corsOrigins.Count > 0) services.AddCors(cors => cors.AddDefaultPolicy(policy => CorsSettings.Apply(policy, corsOrigins)));
    services.AddSingleton(app);
    services.AddSingleton(children);
    services.AddSingleton(TimeProvider.System);
    services.AddSingleton(launch);
    services.AddSingleton(prelaunch);
    services.AddSingleton(connections);
    services.AddSingleton<WorkerLogRelay>();
    services.AddSingleton<WorkerSupervisor>();
    services.AddHostedService(provider => provider.GetRequiredService<WorkerSupervisor>());
    services.AddSingleton<FunctionInvoker>();
    services.AddSingleton<HttpFunctionForwarder>();
    services.AddSingleton<TimerRunner>();
    services.AddHostedService<TimerTriggerService>();
    services.AddSingleton<QueueTriggerService>();
    services.AddHostedService(provider => provider.GetRequiredService<QueueTriggerService>());

    var host = builder.Build();
    host.UseMiddleware<RawTargetGuard>();
    // Before routing, as the platform does: a preflight is answered here, whatever functions the path has.
    if (corsOrigins.Count > 0) host.UseCors();
    host.UseRouting();
    host.Use(UnmatchedRequests.MethodNotAllowedAsync);
    // Explicit UseEndpoints: the 405 problem middleware must run between routing and the endpoints, and the 404
    // problem must be the end of the pipeline, reached only when no endpoint matched.
#pragma warning disable ASP0014
    host.UseEndpoints(endpoints =>
    {
        endpoints.MapGrpcService<FunctionRpcService>();
        endpoints.MapAdmin();
        endpoints.MapHttpFunctions(app);
    });
#pragma warning restore ASP0014
    host.Run(UnmatchedRequests.NotFoundAsync);

    try
    {
        await host.StartAsync();
        HostState.Started = true;
    }
    catch (IOException ex) when (ex.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse }
                                   || ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
    {
        return Fail($"{ex.Message.TrimEnd('.')}: another process listens there. Stop it, or choose another address with --urls http://127.0.0.1:<port>.");
    }

    Console.WriteLine(StartupBanner.Format(
        listen.Select(l => l.ToString()).ToList(), app.Directory, generated.GetValueOrDefault(AdminKey.ConfigurationKey),
        !string.IsNullOrEmpty(host.Configuration[AdminKey.ConfigurationKey]),
        localRegions?.DataRoot, FunctionSummary.From(app, host.Configuration)));
    var supervisor = host.Services.GetRequiredService<WorkerSupervisor>();
    _ = supervisor.FirstReady.ContinueWith(
        _ => host.Logger.LogInformation("Ready {Elapsed} ms after launch", (long)(DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds),
        TaskContinuationOptions.OnlyOnRanToCompletion);

    await host.WaitForShutdownAsync();
    await host.DisposeAsync();
    return supervisor.StartFailure is { } failure ? Fail(failure) : 0;
}
catch (Exception ex) when (ex is InvalidOperationException or FileNotFoundException or DirectoryNotFoundException or FormatException
                               or TimeoutException or IOException or UnauthorizedAccessException)
{
    return Fail(ex.Message);
}
finally
{
    // A start that failed before the supervisor took the pre-launched worker must not leave it running.
    if (prelaunch?.Take() is { } unused)
    {
        await unused.Process.StopAsync();
        await unused.Process.DisposeAsync();
    }

    if (localRegions is not null) await localRegions.DisposeAsync();
    children?.Dispose();
}

static int Fail(string message)
{
    Console.Error.WriteLine($"devhost: {message}");
    return 1;
}

