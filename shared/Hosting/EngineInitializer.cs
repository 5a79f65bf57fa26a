using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serverless.Vhosts;

namespace Serverless.Hosting;

/// <summary>At start-up: creates the primary's tables and the <c>default</c> vhost, then serves. The
/// secondary's tables are created in the background, retried with backoff until the secondary answers,
/// so the service starts (and runs on the primary) while the secondary region is down.</summary>
public sealed class EngineInitializer(EngineRegions regions, Failover.RegionRoles roles, VhostService vhosts, TimeProvider time, ILogger<EngineInitializer> logger) : IHostedService, IDisposable
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan LongestRetryDelay = TimeSpan.FromSeconds(15);

    private readonly CancellationTokenSource stopping = new();
    private Task secondary = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await roles.RefreshAsync(cancellationToken); // which region is primary now (the configured one until a failover)
        await regions.Primary.EnsureCreatedAsync(cancellationToken);
        await vhosts.EnsureDefaultAsync(cancellationToken);
        logger.LogInformation("Storage ready in {Primary} (primary).", regions.Primary.Name);
        secondary = PrepareSecondaryAsync(stopping.Token);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await stopping.CancelAsync();
        await secondary.WaitAsync(cancellationToken);
    }

    /// <summary>Stops the background retries when the container goes away without a host stop.</summary>
    public void Dispose() => stopping.Cancel();

    private async Task PrepareSecondaryAsync(CancellationToken cancellationToken)
    {
        var delay = FirstRetryDelay;
        var warned = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await regions.Secondary.EnsureCreatedAsync(cancellationToken);
                logger.LogInformation("Storage ready in {Secondary} (secondary).", regions.Secondary.Name);
                return;
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                // Once, not per attempt: a region that is down for an hour must not flood the log.
                if (!warned)
                {
                    logger.LogWarning(exception, "Secondary region {Secondary} does not answer; serving from {Primary} and creating the secondary's tables once it answers.",
                        regions.Secondary.Name, regions.Primary.Name);
                    warned = true;
                }
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                return; // stopping
            }
            try
            {
                await Task.Delay(delay, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LongestRetryDelay.Ticks));
        }
    }
}
