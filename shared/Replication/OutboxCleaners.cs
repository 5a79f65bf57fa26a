using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Serverless.Failover;

namespace Serverless.Replication;

/// <summary>Runs the outbox cleaner of every orientation built so far (after a failover the old one may still hold
/// shipped keys to delete), every <see cref="ReplicationOptions.CleanOutboxEvery"/> and once more on stop.</summary>
public sealed class OutboxCleaners(RegionRoles roles, IOptions<ReplicationOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.Value.CleanOutboxEvery, stoppingToken);
                foreach (var set in roles.Built) await set.Cleaner.FlushAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        foreach (var set in roles.Built) await set.Cleaner.FlushAsync(cancellationToken);
    }
}
