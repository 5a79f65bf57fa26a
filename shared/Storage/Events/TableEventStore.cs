using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Serverless.Events;

namespace Serverless.Storage.Events;

/// <summary><see cref="IEventStore"/> on the <c>Events</c> table: one partition, <c>events</c>, whose row keys are the
/// events' ids. Ids begin with the event's time in milliseconds (<see cref="DomainEvent.NewId"/>), so the partition is
/// in time order and <c>since</c> is a key range.
/// <para>Writes do not go through the engine's transaction funnel: events are not queue state (no fence, no head,
/// no replication), and every row is new under a unique id, so a conflict on an append can only mean that the same
/// transaction committed on an attempt whose answer was lost.</para>
/// <para>Its requests carry a message property (<see cref="IsEventsRequest"/>): the test hooks that number or count
/// the engine's storage requests leave this background log out, so its writes, which land whenever the writer gets
/// to them, never shift a test's transaction numbers or counts.</para></summary>
public sealed class TableEventStore(TableClient table) : IEventStore
{
    public const string Partition = "events";
    private const int KeysPerPage = 1000;
    private const int DeletesPerTransaction = 100;
    private const string RequestProperty = "Serverless.Storage.EventsTable";
    private static readonly string PartitionFilter = $"PartitionKey eq '{Partition}'";
    private static readonly Dictionary<string, object?> RequestTag = new() { [RequestProperty] = true };

    public TableEventStore(StorageRegion region) : this(region.Events) { }

    /// <summary>Whether the request was sent by this store.</summary>
    public static bool IsEventsRequest(HttpMessage message) => message.TryGetProperty(RequestProperty, out _);

    public async Task AppendAsync(IReadOnlyList<DomainEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count > IEventStore.MaxAppend) throw new ArgumentException($"At most {IEventStore.MaxAppend} events per append.", nameof(events));
        if (events.Count == 0) return;
        var actions = events.Select(e => new TableTransactionAction(TableTransactionActionType.Add, ToEntity(e))).ToList();
        using var tagged = HttpPipeline.CreateHttpMessagePropertiesScope(RequestTag);
        await StorageErrors.TranslateAsync(async () =>
        {
            try
            {
                await table.SubmitTransactionAsync(actions, cancellationToken);
            }
            catch (RequestFailedException conflict) when (conflict.Status == 409)
            {
                // Stored already by an earlier attempt of this very transaction (ids are never reused): done.
            }
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<DomainEvent>> ListAsync(DateTimeOffset? since, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        DateTimeOffset? from = null;
        if (since is { } time)
        {
            // Past the last representable millisecond no event can be: nothing to ask the store.
            from = CeilingToMilliseconds(time);
            if (from is null) return [];
        }
        var filter = from is { } first ? $"{PartitionFilter} and RowKey ge '{DomainEvent.IdPrefix(first)}'" : PartitionFilter;
        using var tagged = HttpPipeline.CreateHttpMessagePropertiesScope(RequestTag);
        return await StorageErrors.TranslateAsync<IReadOnlyList<DomainEvent>>(async () =>
        {
            var events = new List<DomainEvent>(Math.Min(limit, KeysPerPage));
            await foreach (var page in table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(limit, KeysPerPage), cancellationToken: cancellationToken).AsPages())
            {
                events.AddRange(page.Values.Take(limit - events.Count).Select(FromEntity));
                if (events.Count == limit) break;
            }
            return events;
        }, cancellationToken);
    }

    public async Task<int> TrimAsync(int keep, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(keep);
        using var tagged = HttpPipeline.CreateHttpMessagePropertiesScope(RequestTag);
        return await StorageErrors.TranslateAsync(async () =>
        {
            // Keys only, oldest first: the partition holds what is kept plus what arrived since the last trim.
            var keys = new List<string>();
            await foreach (var row in table.QueryAsync<TableEntity>(PartitionFilter, maxPerPage: KeysPerPage, select: ["RowKey"], cancellationToken: cancellationToken))
            {
                keys.Add(row.RowKey);
            }
            var deleted = 0;
            foreach (var chunk in keys.Take(Math.Max(0, keys.Count - keep)).Chunk(DeletesPerTransaction))
            {
                var actions = chunk.Select(key => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(Partition, key), ETag.All));
                try
                {
                    await table.SubmitTransactionAsync(actions, cancellationToken);
                }
                catch (RequestFailedException gone) when (gone.Status == 404)
                {
                    // Another instance is trimming the same rows: leave the rest to it rather than race it row by row.
                    break;
                }
                deleted += chunk.Length;
            }
            return deleted;
        }, cancellationToken);
    }

    internal static TableEntity ToEntity(DomainEvent domainEvent) => new(Partition, domainEvent.Id)
    {
        ["Type"] = domainEvent.Type,
        ["Subject"] = domainEvent.Subject,
        ["Time"] = domainEvent.Time,
        ["Data"] = domainEvent.Data.GetRawText(),
    };

    internal static DomainEvent FromEntity(TableEntity entity)
    {
        using var data = JsonDocument.Parse(entity.GetString("Data") ?? "{}");
        return new DomainEvent(entity.RowKey, entity.GetDateTimeOffset("Time") ?? default, entity.GetString("Type") ?? "", entity.GetString("Subject") ?? "", data.RootElement.Clone());
    }

    // An event is at or after `since` when its millisecond is: round a finer `since` up. Null when rounding up
    // passes DateTimeOffset.MaxValue (9999-12-31T23:59:59.9999999Z is a valid `since`).
    private static DateTimeOffset? CeilingToMilliseconds(DateTimeOffset time)
    {
        var floor = DomainEvent.ToMilliseconds(time);
        if (floor.UtcTicks == time.UtcTicks) return floor;
        return floor.UtcTicks > DateTimeOffset.MaxValue.UtcTicks - TimeSpan.TicksPerMillisecond ? null : floor.AddMilliseconds(1);
    }
}
