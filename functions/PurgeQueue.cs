using Serverless.Functions.Hosting;
using Serverless.Queues;

namespace Serverless.Functions;

[HttpTrigger("POST", "v1/vhosts/{vhost}/queues/{queue}/purge", Response = typeof(PurgeResult), Summary = "Delete the ready and delayed messages of a queue.")]
public sealed class PurgeQueue(QueueService queues) : IHttpFunction
{
    public async Task<IResult> RunAsync(HttpContext context, CancellationToken cancellationToken = default) =>
        Results.Ok(await queues.PurgeAsync(context.RouteName("vhost"), context.RouteName("queue"), cancellationToken));
}
