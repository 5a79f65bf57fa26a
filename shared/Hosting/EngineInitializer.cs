using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serverless.Vhosts;

namespace Serverless.Hosting;

/// <summary>At start-up: creates the tables in both regions and the <c>default</c> vhost.</summary>
public sealed class EngineInitializer(EngineRegions regions, VhostService vhosts, ILogger<EngineInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(regions.All.Select(r => r.EnsureCreatedAsync(cancellationToken)));
        await vhosts.EnsureDefaultAsync(cancellationToken);
        logger.LogInformation("Storage ready in {Primary} (primary) and {Secondary} (secondary).", regions.Primary.Name, regions.Secondary.Name);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
