using Serverless.Functions.Hosting;
using Serverless.Messages;

namespace Serverless.Functions;

[HttpTrigger("POST", "v1/vhosts/{vhost}/queues/{queue}/receive", Request = typeof(ReceiveRequest), Response = typeof(ReceiveResponse),
    Summary = "Lease up to maxMessages messages; long-poll up to waitSeconds.")]
public sealed class ReceiveMessages(Receiver receiver) : IHttpFunction
{
    public async Task<IResult> RunAsync(HttpContext context, CancellationToken cancellationToken = default)
    {
        var (vhost, queue) = (context.RouteName("vhost"), context.RouteName("queue"));
        var request = await context.ReadJsonAsync(() => new ReceiveRequest(), cancellationToken);
        return Results.Ok(await receiver.ReceiveAsync(vhost, queue, request, cancellationToken));
    }
}
