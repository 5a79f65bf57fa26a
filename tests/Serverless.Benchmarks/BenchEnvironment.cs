using Serverless.Benchmarks.Clients;
using Serverless.Benchmarks.Load;
using Serverless.DevHost.Local;
using Serverless.Testing;

namespace Serverless.Benchmarks;

/// <summary>Everything a run measures against, started fresh: two in-memory Azurite regions, the service
/// (the Release build next to this program) on them with storage requests counted, and a sampler of the
/// service's memory. Disposing stops them all with SIGTERM.</summary>
public sealed class BenchEnvironment : IAsyncDisposable
{
    private AzuriteProcess? primary;
    private AzuriteProcess? secondary;
    private ServiceProcess? service;

    public AzuriteProcess Primary => primary!;
    public AzuriteProcess Secondary => secondary!;
    public ServiceProcess Service => service!;
    public ServiceClient Client { get; private set; } = null!;
    public MemorySampler Memory { get; private set; } = null!;

    /// <summary>CPU time of every process of the environment and of the benchmark itself.</summary>
    public CpuMeter Cpu { get; private set; } = null!;
    public BenchmarkOptions Options { get; }

    private BenchEnvironment(BenchmarkOptions options) => Options = options;

    public static Task<BenchEnvironment> StartAsync(BenchmarkOptions options, CancellationToken cancellationToken) =>
        StartAsync(options, new Dictionary<string, string?>(), cancellationToken);

    /// <param name="serviceSettings">More configuration for the service (keys with <c>:</c>), over the benchmark's own.</param>
    public static async Task<BenchEnvironment> StartAsync(BenchmarkOptions options, IReadOnlyDictionary<string, string?> serviceSettings,
        CancellationToken cancellationToken)
    {
        var environment = new BenchEnvironment(options);
        try
        {
            var regions = new[] { StartAzuriteAsync(cancellationToken), StartAzuriteAsync(cancellationToken) };
            try
            {
                await Task.WhenAll(regions);
            }
            finally
            {
                // Keep whichever started, so that DisposeAsync stops it even if the other failed.
                environment.primary = regions[0].IsCompletedSuccessfully ? regions[0].Result : null;
                environment.secondary = regions[1].IsCompletedSuccessfully ? regions[1].Result : null;
            }
            environment.service = await ServiceProcess.StartAsync(new ServiceProcessOptions
            {
                RegionConfiguration = new Dictionary<string, string?>
                {
                    ["Regions:Primary:Name"] = "bench-primary",
                    ["Regions:Primary:ConnectionString"] = environment.Primary.ConnectionString,
                    ["Regions:Secondary:Name"] = "bench-secondary",
                    ["Regions:Secondary:ConnectionString"] = environment.Secondary.ConnectionString,
                },
                Environment = new Dictionary<string, string?>(serviceSettings)
                {
                    ["Diagnostics:CountStorageRequests"] = "true",
                    ["AZURE_FUNCTIONS_ENVIRONMENT"] = "Production",
                    ["Logging:LogLevel:Default"] = "Warning",
                },
            }, cancellationToken);
            environment.Client = new ServiceClient(environment.Service.BaseAddress, environment.Service.AdminKey, options.MessageSize);
            environment.Memory = new MemorySampler(environment.Service.WorkerProcessId ?? environment.Service.ProcessId, TimeSpan.FromMilliseconds(500));
            environment.Cpu = new CpuMeter(new Dictionary<string, int>
            {
                ["worker"] = environment.Service.WorkerProcessId ?? environment.Service.ProcessId,
                ["devhost"] = environment.Service.ProcessId,
                ["primary Azurite"] = environment.Primary.ProcessId,
                ["secondary Azurite"] = environment.Secondary.ProcessId,
                ["benchmark"] = System.Environment.ProcessId,
            }, new Dictionary<string, int>
            {
                ["worker"] = environment.Service.WorkerProcessId ?? environment.Service.ProcessId,
                ["devhost"] = environment.Service.ProcessId,
            });
            return environment;
        }
        catch
        {
            await environment.DisposeAsync();
            throw;
        }
    }

    private static Task<AzuriteProcess> StartAzuriteAsync(CancellationToken cancellationToken) =>
        AzuriteProcess.StartAsync(new AzuriteStartOptions { InMemory = true }, cancellationToken);

    /// <summary>At dispose, appends the service's last output lines (its warnings and errors) to <paramref name="path"/>
    /// under a heading naming <paramref name="scenario"/>.</summary>
    public void KeepServiceLog(string path, string scenario) => (serviceLog, logHeading) = (path, $"== {scenario} ==");

    private string? serviceLog;
    private string logHeading = "";

    public async ValueTask DisposeAsync()
    {
        if (service is not null && serviceLog is not null && service.OutputLines.Count > 0)
        {
            await File.AppendAllLinesAsync(serviceLog, [logHeading, .. service.OutputLines]);
            Console.WriteLine($"  the service wrote {service.OutputLines.Count} lines of log: {Path.GetFullPath(serviceLog)}");
        }
        if (Memory is not null) await Memory.DisposeAsync();
        Client?.Dispose();
        if (service is not null) await service.DisposeAsync();
        await Task.WhenAll(
            primary?.DisposeAsync().AsTask() ?? Task.CompletedTask,
            secondary?.DisposeAsync().AsTask() ?? Task.CompletedTask);
    }
}
