namespace Serverless.Events;

/// <summary>The answer of <c>GET /api/v1/events</c>: events oldest first.</summary>
public sealed record EventsResponse(IReadOnlyList<CloudEventInfo> Events);
