using Serverless.Functions.Hosting;
using Serverless.Queues;

namespace Serverless.Functions;

[HttpTrigger("GET", "v1/vhosts/{vhost}/queues", Response = typeof(IReadOnlyList<QueueInfo>), Summary = "The queues of a vhost.")]
public sealed class ListQueues(QueueService queues) : IHttpFunction
{
    public async Task<IResult> RunAsync(HttpContext context, CancellationToken cancellationToken = default) =>
        Results.Ok(await queues.ListAsync(context.RouteName("vhost"), cancellationToken));
}
