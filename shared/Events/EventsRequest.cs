namespace Serverless.Events;

/// <summary>The query of <c>GET /api/v1/events</c>.</summary>
public sealed record EventsRequest
{
    /// <summary>Only events at or after this time; null: from the oldest kept.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>How many at most, 1-<see cref="EventPublisher.Retained"/>; null: <see cref="EventPublisher.Retained"/>.</summary>
    public int? Limit { get; init; }
}
