using Serverless.Functions.Hosting;
using Serverless.Messages;

namespace Serverless.Functions;

[HttpTrigger("POST", "v1/vhosts/{vhost}/queues/{queue}/redrive", Request = typeof(RedriveRequest), Response = typeof(RedriveResult),
    Summary = "Move dead-lettered messages back to the queue they died in (or to destination), delivery counts reset.")]
public sealed class RedriveMessages(Redriver redriver) : IHttpFunction
{
    public async Task<IResult> RunAsync(HttpContext context, CancellationToken cancellationToken = default)
    {
        var (vhost, queue) = (context.RouteName("vhost"), context.RouteName("queue"));
        var request = await context.ReadJsonAsync(() => new RedriveRequest(), cancellationToken);
        return Results.Ok(await redriver.RedriveAsync(vhost, queue, request, cancellationToken));
    }
}
