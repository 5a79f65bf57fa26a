using Serverless.Events;
using Serverless.Functions.Hosting;
using Serverless.Functions.OpenApi;

namespace Serverless.Functions;

public sealed class GetEvents(EventFeed feed)
{
    [Function(nameof(GetEvents))]
    [Access(AccessLevel.Admin)]
    [ApiOperation("Recent events (the last 1000 kept) as CloudEvents 1.0, oldest first.")]
    [QueryParameter("since", typeof(DateTimeOffset), "RFC 3339 time: only events at or after it (default: from the oldest kept).")]
    [QueryParameter("limit", typeof(int), "How many at most, 1-1000 (default 1000).", Minimum = 1, Maximum = EventPublisher.Retained)]
    [ApiResponse(200, "The events, oldest first.", Type = typeof(EventsResponse))]
    public async Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/events")] HttpRequest request)
    {
        var query = await RequestBinding.ValidateAsync(request, EventsQuery.Parse(request.Query), request.HttpContext.RequestAborted);
        return TypedResults.Ok(await feed.ListAsync(query, request.HttpContext.RequestAborted));
    }
}
