using Serverless.Events;
using Serverless.Hosting;

namespace Serverless.Storage.Events;

/// <summary>The events table of whichever region is primary now (a failover moves the feed with the writes). Events
/// raised while the primary does not answer — the very ones that say so — go to the other region's table, where the
/// feed finds them once that region is promoted.</summary>
public sealed class PrimaryEventStore(EngineRegions regions) : IEventStore
{
    private readonly Dictionary<string, TableEventStore> stores = regions.All.ToDictionary(r => r.Name, r => new TableEventStore(r));

    private TableEventStore Current => stores[regions.Primary.Name];

    public async Task AppendAsync(IReadOnlyList<DomainEvent> events, CancellationToken cancellationToken = default)
    {
        try
        {
            await Current.AppendAsync(events, cancellationToken);
        }
        catch (Errors.UnavailableException)
        {
            await stores[regions.Secondary.Name].AppendAsync(events, cancellationToken);
        }
    }

    public Task<IReadOnlyList<DomainEvent>> ListAsync(DateTimeOffset? since, int limit, CancellationToken cancellationToken = default) => Current.ListAsync(since, limit, cancellationToken);

    public Task<int> TrimAsync(int keep, CancellationToken cancellationToken = default) => Current.TrimAsync(keep, cancellationToken);
}
