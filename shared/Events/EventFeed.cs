using Serverless.Storage;

namespace Serverless.Events;

/// <summary>Reads recent events back from the events table (<c>GET /api/v1/events</c>).</summary>
public sealed class EventFeed(IEventStore store)
{
    /// <summary>Up to <see cref="EventsRequest.Limit"/> events at or after <see cref="EventsRequest.Since"/>, oldest first.
    /// To read on, ask again with <c>since</c> set to the last event's time and skip the ids already seen.</summary>
    public async Task<EventsResponse> ListAsync(EventsRequest request, CancellationToken cancellationToken = default)
    {
        var events = await store.ListAsync(request.Since, request.Limit ?? EventPublisher.Retained, cancellationToken);
        return new EventsResponse(events.Select(CloudEventInfo.From).ToList());
    }
}
