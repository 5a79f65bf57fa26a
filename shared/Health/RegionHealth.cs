using Serverless.Hosting;
using Serverless.Storage;

namespace Serverless.Health;

public sealed record RegionState(string Name, string Role, bool Reachable, DateTimeOffset LastProbeAt);

public sealed record HealthReport(string Status, IReadOnlyList<RegionState> Regions)
{
    /// <summary>False when no region can take writes (the primary is unreachable): answered 503.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool CanWrite => Regions.Any(r => r.Role == "primary" && r.Reachable);

    /// <summary>Healthy when every region answered, else degraded.</summary>
    public static HealthReport From(IReadOnlyList<RegionState> regions) =>
        new(regions.All(r => r.Reachable) ? "healthy" : "degraded", regions);
}

/// <summary>Probes each region's table store with one cheap, bounded query.</summary>
public sealed class RegionHealth(EngineRegions regions, TimeProvider time)
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    public async Task<HealthReport> CheckAsync(CancellationToken cancellationToken = default)
    {
        var states = await Task.WhenAll(
            ProbeAsync(regions.Primary, "primary", cancellationToken),
            ProbeAsync(regions.Secondary, "secondary", cancellationToken));
        return HealthReport.From(states);
    }

    private async Task<RegionState> ProbeAsync(StorageRegion region, string role, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        bool reachable;
        try
        {
            await foreach (var _ in region.Metadata.QueryAsync<Azure.Data.Tables.TableEntity>(maxPerPage: 1, select: ["RowKey"], cancellationToken: timeout.Token).AsPages(pageSizeHint: 1))
            {
                break;
            }
            reachable = true;
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            reachable = false;
        }
        return new RegionState(region.Name, role, reachable, time.GetUtcNow());
    }
}
