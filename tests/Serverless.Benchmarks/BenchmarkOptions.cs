using System.Globalization;

namespace Serverless.Benchmarks;

/// <summary>Command-line parameters. Every scenario runs for <see cref="Duration"/> at <see cref="Concurrency"/>.</summary>
public sealed record BenchmarkOptions
{
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);
    public int Concurrency { get; init; } = 16;
    public int MessageSize { get; init; } = 1024;
    public int Shards { get; init; } = 1;

    /// <summary>Messages put in a queue before each timed drain of a receive scenario (the drain repeats until the duration is spent).</summary>
    public int Backlog { get; init; } = 2000;

    /// <summary>Publish rate of the end-to-end latency scenario and of the soak, messages per second.</summary>
    public int Rate { get; init; } = 200;

    public int VisibilityTimeoutSeconds { get; init; } = 60;
    public bool RabbitMq { get; init; }
    public string Output { get; init; } = "artifacts/benchmark/results.json";
    public double SoakMinutes { get; init; }

    /// <summary>Only scenarios whose name contains one of these (comma-separated), e.g. <c>limit,service-publish</c>.</summary>
    public IReadOnlyList<string> Only { get; init; } = [];

    public const string Usage = """
        Usage: dotnet run -c Release --project tests/Serverless.Benchmarks -- [options]
          --duration <s>      seconds per scenario (10)
          --concurrency <n>   client tasks per scenario (16)
          --size <bytes>      message body size (1024)
          --shards <n>        queue shards, service and limit alike (1)
          --backlog <n>       messages queued before each timed receive drain (2000)
          --rate <n>          msg/s of the end-to-end latency scenario and the soak (200)
          --visibility <s>    visibility timeout of received messages (60)
          --peer rabbitmq     also measure RabbitMQ on loopback, if rabbitmq-server is installed
          --soak <minutes>    also run the memory soak (fixed-rate publish+receive+ack)
          --only <a,b>        run only scenarios whose name contains one of these
          --out <file>        JSON results; the markdown and the service's log go beside it
                              (artifacts/benchmark/results.json)
        Or: -- --render <results.json>   print the markdown of a saved run again
        """;

    public static BenchmarkOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchmarkOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Int() => int.Parse(Value(), CultureInfo.InvariantCulture);
            options = args[i] switch
            {
                "--duration" => options with { Duration = TimeSpan.FromSeconds(double.Parse(Value(), CultureInfo.InvariantCulture)) },
                "--concurrency" => options with { Concurrency = Int() },
                "--size" => options with { MessageSize = Int() },
                "--shards" => options with { Shards = Int() },
                "--backlog" => options with { Backlog = Int() },
                "--rate" => options with { Rate = Int() },
                "--visibility" => options with { VisibilityTimeoutSeconds = Int() },
                "--peer" => Value() is "rabbitmq" ? options with { RabbitMq = true } : throw new ArgumentException("--peer knows only rabbitmq."),
                "--soak" => options with { SoakMinutes = double.Parse(Value(), CultureInfo.InvariantCulture) },
                "--only" => options with { Only = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) },
                "--out" => options with { Output = Value() },
                _ => throw new ArgumentException($"Unknown option {args[i]}."),
            };
        }
        if (options.Duration <= TimeSpan.Zero || options.Concurrency < 1 || options.MessageSize < 1 || options.Shards is < 1 or > 16
            || options.Backlog < 1 || options.Rate < 1 || options.SoakMinutes < 0)
        {
            throw new ArgumentException("Durations, counts and sizes must be positive; shards 1-16.");
        }
        return options;
    }

    public bool Runs(string scenario) => Only.Count == 0 || Only.Any(o => scenario.Contains(o, StringComparison.OrdinalIgnoreCase));
}
