using Microsoft.Extensions.Options;
using Serverless.Storage;

namespace Serverless.Hosting;

/// <summary>The storage of both regions, and which of them is primary now: the configured primary until a failover
/// promotes the other (<see cref="Failover.RegionRoles"/> orients this from the stored topology).</summary>
public sealed class EngineRegions(IOptions<RegionsOptions> options, StorageClientFactory factory)
{
    private volatile bool swapped;

    /// <summary>The region configured as <c>Regions:Primary</c> (whatever its role now): the wake-up queue lives there,
    /// because the queue trigger's connection is that setting.</summary>
    public StorageRegion ConfiguredPrimary { get; } = factory.Create(options.Value.Primary);

    public StorageRegion ConfiguredSecondary { get; } = factory.Create(options.Value.Secondary);

    /// <summary>The region that takes writes now.</summary>
    public StorageRegion Primary => swapped ? ConfiguredSecondary : ConfiguredPrimary;

    public StorageRegion Secondary => swapped ? ConfiguredPrimary : ConfiguredSecondary;

    public IReadOnlyList<StorageRegion> All => [ConfiguredPrimary, ConfiguredSecondary];

    public StorageRegion Named(string name) =>
        All.FirstOrDefault(r => r.Name == name) ?? throw new InvalidOperationException($"No region is named '{name}'.");

    public StorageRegion Other(StorageRegion region) => ReferenceEquals(region, ConfiguredPrimary) ? ConfiguredSecondary : ConfiguredPrimary;

    internal void Orient(string primaryName) => swapped = ConfiguredSecondary.Name == primaryName;
}

/// <summary>One orientation of the two regions: which takes writes and which receives their changes.</summary>
public sealed record RegionPair(StorageRegion Primary, StorageRegion Secondary);
