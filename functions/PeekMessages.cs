using Serverless.Functions.Hosting;
using Serverless.Messages;

namespace Serverless.Functions;

[HttpTrigger("GET", "v1/vhosts/{vhost}/queues/{queue}/messages", Response = typeof(ReceiveResponse), Summary = "Peek at messages without leasing them.")]
[QueryParameter("state", typeof(string), "ready (default), inFlight, delayed or deadLettered.")]
[QueryParameter("limit", typeof(int), "1-100, default 20.")]
public sealed class PeekMessages(MessageBrowser browser) : IHttpFunction
{
    public async Task<IResult> RunAsync(HttpContext context, CancellationToken cancellationToken = default)
    {
        var (vhost, queue) = (context.RouteName("vhost"), context.RouteName("queue"));
        var request = await RequestBinding.ValidateAsync(context, PeekQuery.Parse(context.Request.Query), cancellationToken);
        return Results.Ok(await browser.PeekAsync(vhost, queue, request, cancellationToken));
    }
}
