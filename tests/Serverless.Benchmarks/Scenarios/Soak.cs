using Serverless.Benchmarks.Load;
using Serverless.Benchmarks.Reporting;

namespace Serverless.Benchmarks.Scenarios;

/// <summary>Memory over a long run (<c>--soak minutes</c>): the end-to-end workload at the fixed rate on an
/// async queue, the service's RSS sampled every second. Flat: the end is within 10% of the level reached
/// after the first fifth of the run (allocators and caches grow at start, then must stop).</summary>
public sealed class Soak : IScenario
{
    public string Name => "soak";

    public async Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var options = context.Options;
        if (options.SoakMinutes <= 0) return;
        await context.FreshEnvironmentAsync(Name, cancellationToken);
        var service = context.Service;
        var queue = BenchContext.UniqueName("soak-");
        await service.DeclareQueueAsync(queue, "async", options.Shards, options.VisibilityTimeoutSeconds, cancellationToken);
        try
        {
            await using var memory = new MemorySampler(context.Environment.Service.WorkerProcessId ?? context.Environment.Service.ProcessId, TimeSpan.FromSeconds(1));
            var duration = TimeSpan.FromMinutes(options.SoakMinutes);
            var load = await FixedRateRun.RunAsync(service, queue, options.Rate, duration, ServiceEndToEnd.Consumers(options), options.Concurrency,
                options.VisibilityTimeoutSeconds, null, cancellationToken,
                onTick: second => { if (second % 30 == 0) Console.WriteLine($"  soak {second} s: RSS {memory.CurrentMb:0} MB"); });
            memory.Sample();
            var samples = memory.Samples();
            var warm = samples.Where(s => s.At <= duration / 5).Select(s => s.RssMb).DefaultIfEmpty(0).Max();
            var end = samples.Where(s => s.At >= duration * 0.9).Select(s => s.RssMb).DefaultIfEmpty(0).Average();
            context.Soak = new SoakResult(options.SoakMinutes, Math.Round(warm, 1), Math.Round(end, 1), Math.Round(samples.Max(s => s.RssMb), 1),
                load.Messages, samples.Select(s => new[] { Math.Round(s.At.TotalSeconds, 1), Math.Round(s.RssMb, 1) }).ToList());
            Console.WriteLine($"  soak: RSS after warm-up {warm:0} MB, at end {end:0} MB, {load.Messages} messages, flat: {context.Soak.Flat}");
        }
        finally
        {
            await service.DeleteQueueAsync(queue, CancellationToken.None);
        }
    }
}
