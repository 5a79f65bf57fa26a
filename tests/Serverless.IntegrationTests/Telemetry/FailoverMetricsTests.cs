using Serverless.Failover;
using Serverless.Testing;

namespace Serverless.IntegrationTests.Telemetry;

/// <summary>Issue 13, metrics: a failover is counted once, tagged with its mode and the regions it went from and to. Its
/// own regions: a failover turns the pair round for every test that shares them.</summary>
public sealed class FailoverMetricsTests(AzuriteRegionsFixture regions) : IClassFixture<AzuriteRegionsFixture>
{
    private const string Failovers = "serverless.failovers";

    [Fact]
    public async Task A_forced_failover_is_counted_once_with_its_mode_and_regions()
    {
        var region = $"failover-{Guid.NewGuid():N}"[..20];
        using var metrics = new ExportedMetrics(region);
        await using var engine = await EngineHost.StartAsync(regions, [new("Telemetry:Region", region)]);
        var before = (await engine.Get<RegionRoles>().RefreshAsync()).Primary;

        await engine.Get<FailoverService>().FailoverAsync(FailoverModes.Forced, "metrics test");
        metrics.Flush();

        var after = before == AzuriteRegionsFixture.PrimaryName ? AzuriteRegionsFixture.SecondaryName : AzuriteRegionsFixture.PrimaryName;
        Assert.Equal(1, metrics.Sum(Failovers, ("mode", FailoverModes.Forced), ("from", before), ("to", after)));
        Assert.Equal(1, metrics.Sum(Failovers));
    }
}
