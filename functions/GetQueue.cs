using Serverless.Functions.Hosting;
using Serverless.Queues;

namespace Serverless.Functions;

[HttpTrigger("GET", "v1/vhosts/{vhost}/queues/{queue}", Response = typeof(QueueInfo), Summary = "A queue with its message counts.")]
public sealed class GetQueue(QueueService queues) : IHttpFunction
{
    public async Task<IResult> RunAsync(HttpContext context, CancellationToken cancellationToken = default) =>
        Results.Ok(await queues.GetAsync(context.RouteName("vhost"), context.RouteName("queue"), cancellationToken));
}
