using Serverless.Benchmarks.Clients;
using Serverless.Benchmarks.Load;
using Serverless.Benchmarks.Reporting;
using Serverless.Benchmarks.Scenarios;

namespace Serverless.Benchmarks;

/// <summary>What a scenario runs against and where it records what it measured. Each measured case starts
/// on a fresh environment (<see cref="FreshEnvironmentAsync"/>): Azurite scans a whole table on every query,
/// so rows an earlier case left behind would slow the next one, which Azure, indexing by partition, would not.</summary>
public sealed class BenchContext(BenchmarkOptions options, BenchRecord record) : IAsyncDisposable
{
    public static readonly string[] Modes = ["sync", "async"];

    private BenchEnvironment? environment;
    private LimitTables? limit;

    public BenchmarkOptions Options { get; } = options;
    public BenchEnvironment Environment => environment ?? throw new InvalidOperationException("No environment: call FreshEnvironmentAsync first.");
    public ServiceClient Service => Environment.Client;
    public LimitTables Limit => limit ?? throw new InvalidOperationException("No environment: call FreshEnvironmentAsync first.");
    public SoakResult? Soak { get => record.Soak; set => record.Soak = value; }

    /// <summary>The RabbitMQ peer when <c>--peer rabbitmq</c> was given and it is installed; else why not.</summary>
    public Peers.RabbitMqBroker? RabbitMq { get; init; }
    public string RabbitMqSkipped { get; init; } = "skipped: run with --peer rabbitmq";

    /// <summary>Where each environment's service appends its last log lines.</summary>
    public string? ServiceLog { get; init; }

    /// <summary>A queue or table name no earlier scenario used.</summary>
    public static string UniqueName(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    /// <summary>Stops the current environment (keeping its memory figures) and starts and warms up a new one:
    /// two in-memory Azurite regions and the Release service on them.</summary>
    public Task FreshEnvironmentAsync(string label, CancellationToken cancellationToken) =>
        FreshEnvironmentAsync(label, new Dictionary<string, string?>(), cancellationToken);

    /// <param name="serviceSettings">More configuration for this environment's service (keys with <c>:</c>).</param>
    public async Task FreshEnvironmentAsync(string label, IReadOnlyDictionary<string, string?> serviceSettings, CancellationToken cancellationToken)
    {
        await StopEnvironmentAsync();
        Console.WriteLine($"  [{label}] fresh Azurite regions and service, warming up…");
        environment = await BenchEnvironment.StartAsync(Options, serviceSettings, cancellationToken);
        if (ServiceLog is not null) environment.KeepServiceLog(ServiceLog, label);
        limit = new LimitTables(environment.Primary.ConnectionString, environment.Secondary.ConnectionString, Options.MessageSize);
        await new Warmup().RunAsync(this, cancellationToken);
    }

    /// <summary>A settled service's JIT threads spend less than this in a second of load.</summary>
    private const double SettledJitMsPerSecond = 20;
    private static readonly TimeSpan MaxSettle = TimeSpan.FromSeconds(60);

    /// <summary>Runs <paramref name="operation"/> at the run's concurrency (or, with none, lets the service idle), a second at
    /// a time, until the service's JIT threads (worker and devhost) spend under 20 ms of CPU in a second, or 60 s. A
    /// freshly started service compiles its hot paths again for tens of seconds (tiered compilation), while the limit and
    /// the peers run in this long-lived program, compiled long before: measured before it settles, the service would be
    /// measured starting, and an idle one still compiling takes CPU from the limit and the peers.
    /// Returns how long it took and whether it settled.</summary>
    public async Task<(TimeSpan Took, bool Settled)> SettleServiceAsync(LoadRunner.Operation? operation, CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var cpu = Environment.Cpu;
        var last = double.MaxValue;
        while (clock.Elapsed < MaxSettle && last >= SettledJitMsPerSecond)
        {
            var before = cpu.ReadJit();
            var slice = System.Diagnostics.Stopwatch.StartNew();
            if (operation is null) await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            else await LoadRunner.RunAsync(Options.Concurrency, TimeSpan.FromSeconds(1), operation, null, cancellationToken);
            last = CpuMeter.JitMillisecondsBetween(before, cpu.ReadJit()) / slice.Elapsed.TotalSeconds;
        }
        var settled = last < SettledJitMsPerSecond;
        Console.WriteLine($"  service JIT {(settled ? "settled" : "still compiling")} after {clock.Elapsed.TotalSeconds:0.#} s {(operation is null ? "idle" : "of load")} ({last:0} ms of JIT CPU in the last second)");
        return (clock.Elapsed, settled);
    }

    public void Record(ScenarioResult result)
    {
        record.Results.Add(result);
        Console.WriteLine("  " + MarkdownReport.Describe(result));
    }

    /// <summary>What the run measured so far (a later scenario may derive its load from an earlier one's result).</summary>
    public IReadOnlyList<ScenarioResult> Results => record.Results;

    public void Record(LagResult result)
    {
        record.Lag.Add(result);
        Console.WriteLine("  " + MarkdownReport.Describe(result));
    }

    public void Record(CatchUpResult result)
    {
        record.CatchUp.Add(result);
        Console.WriteLine("  " + MarkdownReport.Describe(result));
    }

    public void Record(AccountingResult result)
    {
        record.Accounting.Add(result);
        Console.WriteLine($"  storage requests/msg {result.Mode} batch {result.Batch}: publish {result.Publish:0.##}, receive {result.Receive:0.##}, ack {result.Ack:0.##}, lifecycle {result.Lifecycle:0.##}");
    }

    public ValueTask DisposeAsync() => new(StopEnvironmentAsync());

    /// <summary>Stops the current environment, keeping its memory figures; also so that a peer measured on its
    /// own (RabbitMQ) has the machine to itself.</summary>
    public async Task StopEnvironmentAsync()
    {
        if (environment is null) return;
        record.PeakMb = Math.Max(record.PeakMb, environment.Memory.PeakMb);
        record.LastMb = environment.Memory.CurrentMb;
        await environment.DisposeAsync();
        environment = null;
        limit = null;
    }
}

/// <summary>What the scenarios of one run measured, across their environments.</summary>
public sealed class BenchRecord
{
    public List<ScenarioResult> Results { get; } = [];
    public List<AccountingResult> Accounting { get; } = [];
    public List<LagResult> Lag { get; } = [];
    public List<CatchUpResult> CatchUp { get; } = [];
    public SoakResult? Soak { get; set; }

    /// <summary>The service's highest peak RSS over all environments of the run, and its RSS at the end of the last.</summary>
    public double PeakMb { get; set; }
    public double LastMb { get; set; }
}
