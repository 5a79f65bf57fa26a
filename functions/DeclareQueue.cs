using Microsoft.Azure.Functions.Worker.Http;
using Serverless.Access;
using Serverless.Functions.Hosting;
using Serverless.Functions.OpenApi;
using Serverless.Queues;

namespace Serverless.Functions;

public sealed class DeclareQueue(QueueService queues)
{
    [Function(nameof(DeclareQueue))]
    [Access(Permission.Configure, "queue")]
    [ApiOperation("Declare a queue: 201 created, 200 exists with equivalent arguments, 409 exists with different ones. The body is optional.")]
    [ApiResponse(201, "Created.", Type = typeof(QueueInfo))]
    [ApiResponse(200, "The queue exists with equivalent arguments.", Type = typeof(QueueInfo))]
    [ApiProblem(409, "The queue exists with different arguments; `errors` names each as `arguments.<name>`.")]
    public async Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "v1/vhosts/{vhost}/queues/{queue}")] HttpRequest request,
        [FromBody] DeclareQueueRequest? body, string vhost, string queue)
    {
        var (info, created) = await queues.DeclareAsync(vhost, queue, body?.Arguments ?? QueueArguments.None, request.HttpContext.RequestAborted);
        return created ? TypedResults.Created($"/api/v1/vhosts/{vhost}/queues/{queue}", info) : TypedResults.Ok(info);
    }
}
