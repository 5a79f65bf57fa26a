using System.Globalization;
using Serverless.Errors;
using Serverless.Events;

namespace Serverless.Functions.Hosting;

/// <summary>Binds <c>?since=&amp;limit=</c> of the events function.</summary>
public static class EventsQuery
{
    public static EventsRequest Parse(IQueryCollection query)
    {
        DateTimeOffset? since = null;
        if (query["since"].ToString() is { Length: > 0 } rawSince)
        {
            since = IsRfc3339(rawSince) && DateTimeOffset.TryParse(rawSince, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var parsed)
                ? parsed
                : throw InvalidRequestException.For("since", "must be an RFC 3339 time with an offset, e.g. 2026-11-23T14:21:11.573Z");
        }
        return new EventsRequest { Since = since, Limit = query.QueryInteger("limit", $"must be an integer 1-{EventPublisher.Retained}") };
    }

    // RFC 3339's date-time: full date, 'T', full time, and a 'Z' or numeric offset (no local times, no bare dates).
    private static bool IsRfc3339(string text) =>
        text.Length >= 20 && text[10] is 'T' or 't' && (text[^1] is 'Z' or 'z' || text[^6] is '+' or '-' && text[^3] == ':');
}
