using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serverless.Vhosts;

namespace Serverless.Hosting;

/// <summary>At start-up: creates the primary's tables (and the secondary's, if it answers within 2 s) and the
/// <c>default</c> vhost, then serves. A secondary that did not answer gets its tables in the background, retried with
/// backoff until it answers, so the service starts (and runs on the primary) while the secondary region is down.</summary>
public sealed class EngineInitializer(EngineRegions regions, Failover.RegionRoles roles, VhostService vhosts, TimeProvider time, ILogger<EngineInitializer> logger) : IHostedService, IDisposable
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan LongestRetryDelay = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan FirstAttemptLimit = TimeSpan.FromSeconds(2);

    private readonly CancellationTokenSource stopping = new();
    private Task secondary = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await roles.RefreshAsync(cancellationToken); // which region is primary now (the configured one until a failover)
        await regions.Primary.EnsureCreatedAsync(cancellationToken);
        // The secondary's tables first when it answers at once, so that what start-up writes (the default vhost) is
        // mirrored as it is written, not left to the first sweep (until then the secondary is not synchronized).
        var secondaryReady = await TryPrepareSecondaryAsync(cancellationToken);
        await vhosts.EnsureDefaultAsync(cancellationToken);
        logger.LogInformation("Storage ready in {Primary} (primary).", regions.Primary.Name);
        secondary = secondaryReady ? Task.CompletedTask : PrepareSecondaryAsync(stopping.Token);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await stopping.CancelAsync();
        await secondary.WaitAsync(cancellationToken);
    }

    /// <summary>Stops the background retries when the container goes away without a host stop.</summary>
    public void Dispose() => stopping.Cancel();

    /// <summary>One bounded attempt: a secondary that is down costs start-up this long at most.</summary>
    private async Task<bool> TryPrepareSecondaryAsync(CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(FirstAttemptLimit);
        try
        {
            await regions.Secondary.EnsureCreatedAsync(bounded.Token);
            logger.LogInformation("Storage ready in {Secondary} (secondary).", regions.Secondary.Name);
            return true;
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            return false; // prepared in the background, with retries
        }
    }

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
