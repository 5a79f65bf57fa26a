using Serverless.Functions.Hosting;
using Serverless.Functions.OpenApi;
using Serverless.Queues;

namespace Serverless.Functions;

public sealed class GetQueue(QueueService queues)
{
    [Function(nameof(GetQueue))]
    [Access(AccessLevel.Vhost)]
    [ApiOperation("A queue with its message counts.")]
    [ApiResponse(200, "The queue.", Type = typeof(QueueInfo))]
    public async Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/vhosts/{vhost}/queues/{queue}")] HttpRequest request, string vhost, string queue) =>
        TypedResults.Ok(await queues.GetAsync(vhost, queue, request.HttpContext.RequestAborted));
}
