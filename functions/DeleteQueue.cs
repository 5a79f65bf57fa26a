using Serverless.Access;
using Serverless.Functions.Hosting;
using Serverless.Functions.OpenApi;
using Serverless.Queues;

namespace Serverless.Functions;

public sealed class DeleteQueue(QueueService queues)
{
    [Function(nameof(DeleteQueue))]
    [Access(Permission.Configure, "queue")]
    [ApiOperation("Delete a queue and its messages.")]
    [QueryParameter("ifEmpty", typeof(bool), "Only if the queue holds no message (else 409).")]
    [QueryParameter("ifUnused", typeof(bool), "Only if no message is in flight (else 409).")]
    [ApiResponse(204, "Deleted.")]
    [ApiProblem(409, "`ifEmpty` or `ifUnused` was asked for and the queue is not empty or has messages in flight.")]
    public async Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/vhosts/{vhost}/queues/{queue}")] HttpRequest request, string vhost, string queue)
    {
        await queues.DeleteAsync(vhost, queue, request.QueryFlag("ifEmpty"), request.QueryFlag("ifUnused"), request.HttpContext.RequestAborted);
        return TypedResults.NoContent();
    }
}
