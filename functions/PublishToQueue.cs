using Microsoft.Azure.Functions.Worker.Http;
using Serverless.Access;
using Serverless.Functions.Hosting;
using Serverless.Functions.OpenApi;
using Serverless.Messages;

namespace Serverless.Functions;

public sealed class PublishToQueue(Publisher publisher)
{
    [Function(nameof(PublishToQueue))]
    [Access(Permission.Write, "queue")]
    [ApiOperation("Publish one message, or a batch of 1-100, to a queue (through the default exchange).")]
    [ApiResponse(201, "Every message is `enqueued` or `duplicate`.", Type = typeof(PublishResponse))]
    [ApiResponse(200, "At least one message is `unroutable`, `dropped` or `rejected`; the results say which.", Type = typeof(PublishResponse))]
    [ApiProblem(503, "Storage failed; `results`, when present, gives each message's id and whether it was stored, so a retry can resend exactly the others.", Extensions = typeof(PublishResponse))]
    public async Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/vhosts/{vhost}/queues/{queue}/publish")] HttpRequest request,
        [FromBody] PublishRequest body, string vhost, string queue)
    {
        var response = await publisher.PublishToQueueAsync(vhost, queue, body.Messages!, request.HttpContext.RequestAborted);
        return response.AllConfirmed ? TypedResults.Json(response, statusCode: StatusCodes.Status201Created) : TypedResults.Ok(response);
    }
}
