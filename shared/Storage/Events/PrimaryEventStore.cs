using Serverless.Events;
using Serverless.Hosting;

namespace Serverless.Storage.Events;

/// <summary>The events table of whichever region is primary now (a failover moves the feed with the writes).</summary>
public sealed class PrimaryEventStore(EngineRegions regions) : IEventStore
{
    private readonly Dictionary<string, TableEventStore> stores = regions.All.ToDictionary(r => r.Name, r => new TableEventStore(r));

    private TableEventStore Current => stores[regions.Primary.Name];

    public Task AppendAsync(IReadOnlyList<DomainEvent> events, CancellationToken cancellationToken = default) => Current.AppendAsync(events, cancellationToken);

    public Task<IReadOnlyList<DomainEvent>> ListAsync(DateTimeOffset? since, int limit, CancellationToken cancellationToken = default) => Current.ListAsync(since, limit, cancellationToken);

    public Task<int> TrimAsync(int keep, CancellationToken cancellationToken = default) => Current.TrimAsync(keep, cancellationToken);
}
