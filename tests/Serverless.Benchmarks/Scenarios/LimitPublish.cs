using Serverless.Benchmarks.Load;
using Serverless.Benchmarks.Reporting;

namespace Serverless.Benchmarks.Scenarios;

/// <summary>The limit for publish: the EGTs a publish needs (message, ready and outbox rows), in the
/// primary and, for sync, then in the secondary; single messages and batches of 10 and 100.</summary>
public sealed class LimitPublish : IScenario
{
    public string Name => "limit-publish";

    public async Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var options = context.Options;
        foreach (var mode in BenchContext.Modes)
        {
            foreach (var batch in new[] { 1, 10, 100 })
            {
                await context.FreshEnvironmentAsync($"{Name} {mode} batch {batch}", cancellationToken);
                var limit = context.Limit;
                var name = BenchContext.UniqueName("limitpublish");
                var tables = await limit.CreateTablesAsync(name, cancellationToken);
                try
                {
                    await context.SettleServiceAsync(null, cancellationToken); // the idle service's JIT would take CPU from this measurement
                    var cpu = context.Environment.Cpu.Start();
                    var load = await LoadRunner.RunAsync(options.Concurrency, options.Duration, async (_, ct) =>
                    {
                        await limit.PublishAsync(tables, options.Shards, batch, sync: mode == "sync", ct);
                        return batch;
                    }, limit.Requests, cancellationToken);
                    context.Record(ScenarioResult.From(SystemKind.Limit, "Azure.Data.Tables (limit)", Work.Publish, batch, mode, load) with { Cpu = cpu.Stop(load.Messages) });
                }
                finally
                {
                    await limit.DeleteTablesAsync(name, CancellationToken.None);
                }
            }
        }
    }
}
