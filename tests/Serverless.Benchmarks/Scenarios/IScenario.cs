namespace Serverless.Benchmarks.Scenarios;

/// <summary>One measurement; <see cref="Name"/> is what <c>--only</c> matches.</summary>
public interface IScenario
{
    string Name { get; }

    Task RunAsync(BenchContext context, CancellationToken cancellationToken);
}
