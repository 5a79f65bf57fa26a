using Serverless.Benchmarks.Clients;
using Serverless.Benchmarks.Reporting;

namespace Serverless.Benchmarks;

/// <summary>What a scenario runs against and where it records what it measured.</summary>
public sealed class BenchContext(BenchmarkOptions options, BenchEnvironment environment)
{
    public static readonly string[] Modes = ["sync", "async"];

    private readonly List<ScenarioResult> results = [];
    private readonly List<AccountingResult> accounting = [];

    public BenchmarkOptions Options { get; } = options;
    public BenchEnvironment Environment { get; } = environment;
    public ServiceClient Service => Environment.Client;
    public LimitTables Limit { get; } = new(environment.Primary.ConnectionString, environment.Secondary.ConnectionString, options.MessageSize);
    public SoakResult? Soak { get; set; }

    /// <summary>The RabbitMQ peer when <c>--peer rabbitmq</c> was given and it is installed; else why not.</summary>
    public Peers.RabbitMqBroker? RabbitMq { get; init; }
    public string RabbitMqSkipped { get; init; } = "skipped: run with --peer rabbitmq";

    public IReadOnlyList<ScenarioResult> Results => results;
    public IReadOnlyList<AccountingResult> Accounting => accounting;

    /// <summary>A queue or table name no earlier scenario used.</summary>
    public static string UniqueName(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    public void Record(ScenarioResult result)
    {
        results.Add(result);
        Console.WriteLine("  " + MarkdownReport.Describe(result));
    }

    public void Record(AccountingResult result)
    {
        accounting.Add(result);
        Console.WriteLine($"  storage requests/msg {result.Mode} batch {result.Batch}: publish {result.Publish:0.##}, receive {result.Receive:0.##}, ack {result.Ack:0.##}, lifecycle {result.Lifecycle:0.##}");
    }
}
