using Serverless.Functions.Hosting;
using Serverless.Messages;

namespace Serverless.Functions;

[HttpTrigger("POST", "v1/vhosts/{vhost}/queues/{queue}/nack", Request = typeof(NackRequest), Response = typeof(SettleResponse),
    Summary = "Return leased messages to the queue (after delaySeconds), or with requeue: false dead-letter or drop them.")]
public sealed class NackMessages(Settlement settlement) : IHttpFunction
{
    public async Task<IResult> RunAsync(HttpContext context, CancellationToken cancellationToken = default)
    {
        var (vhost, queue) = (context.RouteName("vhost"), context.RouteName("queue"));
        var request = await context.ReadJsonAsync<NackRequest>(cancellationToken: cancellationToken);
        return Results.Ok(await settlement.NackAsync(vhost, queue, request, cancellationToken));
    }
}
