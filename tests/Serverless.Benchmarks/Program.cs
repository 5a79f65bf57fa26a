using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Serverless.Benchmarks;
using Serverless.Benchmarks.Peers;
using Serverless.Benchmarks.Reporting;
using Serverless.Benchmarks.Scenarios;

// One command: fresh Azurite regions, the service, the load, a markdown report and a JSON file (docs/performance.md).
var jsonOptions = new JsonSerializerOptions(JsonSerializerDefaults.Web)
{
    WriteIndented = true,
    Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
};
BenchmarkOptions options;
try
{
    if (args.Contains("--help") || args.Contains("-h"))
    {
        Console.WriteLine(BenchmarkOptions.Usage);
        return 0;
    }
    if (args is ["--render", var saved])
    {
        // Re-renders the markdown of a saved run (e.g. after a change to the report), measuring nothing.
        Console.WriteLine(MarkdownReport.Render(JsonSerializer.Deserialize<BenchmarkReport>(File.ReadAllText(saved), jsonOptions)!));
        return 0;
    }
    options = BenchmarkOptions.Parse(args);
}
catch (Exception exception) when (exception is ArgumentException or FormatException)
{
    Console.Error.WriteLine(exception.Message);
    Console.Error.WriteLine(BenchmarkOptions.Usage);
    return 2;
}

// Ctrl+C or SIGTERM cancels the run; the finally blocks below still stop every process this run started.
using var cancellation = new CancellationTokenSource();
void Cancel(PosixSignalContext signal)
{
    signal.Cancel = true;
    Console.Error.WriteLine("Stopping: cancelling the run and stopping the processes it started…");
    cancellation.Cancel();
}
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);
var token = cancellation.Token;

IScenario[] scenarios =
[
    new ServiceStorageRequests(),
    new LimitPublish(), new ServicePublish(), new StorageQueuesSend(), new RabbitMqHttpPublish(), new RabbitMqAmqpPublish(),
    new LimitReceiveAck(), new ServiceReceiveAck(), new StorageQueuesReceiveDelete(), new ServiceReceiveAuto(), new RabbitMqHttpGet(),
    new ServiceEndToEnd(), new ServiceAsyncLag(), new ServiceCatchUp(), new Soak(),
];

var started = DateTimeOffset.UtcNow;
RabbitMqBroker? rabbit = null;
try
{
    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.Output))!);
    var serviceLog = Path.ChangeExtension(options.Output, ".service.log");
    File.Delete(serviceLog);
    var rabbitSkipped = "skipped: run with --peer rabbitmq";
    // The broker starts when a selected scenario needs it (its name says rabbitmq).
    if (options.RabbitMq && scenarios.Any(s => s.Name.Contains("rabbitmq", StringComparison.Ordinal) && options.Runs(s.Name)))
    {
        if (RabbitMqBroker.FindServer() is { } server)
        {
            Console.WriteLine("Starting RabbitMQ on loopback…");
            rabbit = await RabbitMqBroker.StartAsync(server, token);
        }
        else
        {
            rabbitSkipped = "skipped: rabbitmq-server is not installed (apt-get install rabbitmq-server)";
        }
    }
    var record = new BenchRecord();
    await using (var context = new BenchContext(options, record) { RabbitMq = rabbit, RabbitMqSkipped = rabbitSkipped, ServiceLog = serviceLog })
    {
        foreach (var scenario in scenarios.Where(s => options.Runs(s.Name)))
        {
            Console.WriteLine($"{scenario.Name}:");
            await scenario.RunAsync(context, token);
        }
    }

    var report = new BenchmarkReport(started, "dotnet run -c Release --project tests/Serverless.Benchmarks -- " + string.Join(' ', args),
        $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}",
        options, record.Results, record.Accounting,
        new MemoryResult(Math.Round(record.PeakMb, 1), Math.Round(record.LastMb, 1), record.Soak), record.Lag, record.CatchUp);
    var markdown = MarkdownReport.Render(report);
    Console.WriteLine();
    Console.WriteLine(markdown);
    var json = JsonSerializer.Serialize(report, jsonOptions);
    await File.WriteAllTextAsync(options.Output, json, CancellationToken.None);
    await File.WriteAllTextAsync(Path.ChangeExtension(options.Output, ".md"), markdown, CancellationToken.None);
    Console.WriteLine($"Wrote {Path.GetFullPath(options.Output)} and {Path.GetFullPath(Path.ChangeExtension(options.Output, ".md"))}.");
    return 0;
}
catch (OperationCanceledException) when (token.IsCancellationRequested)
{
    Console.Error.WriteLine("Cancelled.");
    return 130;
}
catch (Exception exception)
{
    Console.Error.WriteLine($"The benchmark failed: {exception}");
    return 1;
}
finally
{
    if (rabbit is not null) await rabbit.DisposeAsync();
}
