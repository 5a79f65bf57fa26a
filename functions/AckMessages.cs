using Serverless.Functions.Hosting;
using Serverless.Messages;

namespace Serverless.Functions;

[HttpTrigger("POST", "v1/vhosts/{vhost}/queues/{queue}/ack", Request = typeof(AckRequest), Response = typeof(SettleResponse),
    Summary = "Delete messages whose receipt is their current lease; others are stale.")]
public sealed class AckMessages(Settlement settlement) : IHttpFunction
{
    public async Task<IResult> RunAsync(HttpContext context, CancellationToken cancellationToken = default)
    {
        var (vhost, queue) = (context.RouteName("vhost"), context.RouteName("queue"));
        var request = await context.ReadJsonAsync<AckRequest>(cancellationToken: cancellationToken);
        return Results.Ok(await settlement.AckAsync(vhost, queue, request, cancellationToken));
    }
}
