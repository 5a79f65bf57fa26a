using Serverless.Access;
using Serverless.Functions.Hosting;
using Serverless.Functions.OpenApi;
using Serverless.Queues;

namespace Serverless.Functions;

public sealed class PurgeQueue(QueueService queues)
{
    [Function(nameof(PurgeQueue))]
    [Access(Permission.Read, "queue")]
    [ApiOperation("Delete the ready and delayed messages of a queue; messages in flight stay.")]
    [ApiResponse(200, "How many messages were deleted.", Type = typeof(PurgeResult))]
    public async Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/vhosts/{vhost}/queues/{queue}/purge")] HttpRequest request, string vhost, string queue) =>
        TypedResults.Ok(await queues.PurgeAsync(vhost, queue, request.HttpContext.RequestAborted));
}
