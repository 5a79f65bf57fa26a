using Serverless.Functions.Hosting;
using Serverless.Messages;

namespace Serverless.Functions;

[HttpTrigger("POST", "v1/vhosts/{vhost}/queues/{queue}/extend", Request = typeof(ExtendRequest), Response = typeof(SettleResponse),
    Summary = "Extend leases; the receipts do not change.")]
public sealed class ExtendLeases(Settlement settlement) : IHttpFunction
{
    public async Task<IResult> RunAsync(HttpContext context, CancellationToken cancellationToken = default)
    {
        var (vhost, queue) = (context.RouteName("vhost"), context.RouteName("queue"));
        var request = await context.ReadJsonAsync<ExtendRequest>(cancellationToken: cancellationToken);
        return Results.Ok(await settlement.ExtendAsync(vhost, queue, request, cancellationToken));
    }
}
