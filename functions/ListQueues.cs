using Serverless.Functions.Hosting;
using Serverless.Functions.OpenApi;
using Serverless.Queues;

namespace Serverless.Functions;

public sealed class ListQueues(QueueService queues)
{
    [Function(nameof(ListQueues))]
    [Access(AccessLevel.Vhost)]
    [ApiOperation("The queues of a vhost.")]
    [ApiResponse(200, "The queues with their message counts.", Type = typeof(IReadOnlyList<QueueInfo>))]
    public async Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/vhosts/{vhost}/queues")] HttpRequest request, string vhost) =>
        TypedResults.Ok(await queues.ListAsync(vhost, request.HttpContext.RequestAborted));
}
