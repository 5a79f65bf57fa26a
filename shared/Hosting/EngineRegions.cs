using Microsoft.Extensions.Options;
using Serverless.Storage;

namespace Serverless.Hosting;

/// <summary>The storage of both regions. The engine writes to <see cref="Primary"/>; replication
/// (a later layer) mirrors into <see cref="Secondary"/>.</summary>
public sealed class EngineRegions(IOptions<RegionsOptions> options, StorageClientFactory factory)
{
    public StorageRegion Primary { get; } = factory.Create(options.Value.Primary);
    public StorageRegion Secondary { get; } = factory.Create(options.Value.Secondary);
    public IReadOnlyList<StorageRegion> All => [Primary, Secondary];
}
