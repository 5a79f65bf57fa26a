using Serverless.Events;

namespace Serverless.Storage;

/// <summary>The events table of the primary region's store: recent events in time order. Every method is a bounded
/// number of storage requests.</summary>
public interface IEventStore
{
    /// <summary>Stores the events (at most <see cref="MaxAppend"/>): one transaction. Safe to repeat after a lost answer.</summary>
    Task AppendAsync(IReadOnlyList<DomainEvent> events, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="limit"/> events at or after <paramref name="since"/> (all kept events when null),
    /// oldest first: one range query.</summary>
    Task<IReadOnlyList<DomainEvent>> ListAsync(DateTimeOffset? since, int limit, CancellationToken cancellationToken = default);

    /// <summary>Deletes all but the newest <paramref name="keep"/> events: one key-only query page per 1000 events kept
    /// or deleted, one transaction per 100 deleted. Returns how many it deleted.</summary>
    Task<int> TrimAsync(int keep, CancellationToken cancellationToken = default);

    /// <summary>The most events one <see cref="AppendAsync"/> takes (one entity group transaction).</summary>
    const int MaxAppend = 100;
}
