using Microsoft.Azure.Functions.Worker.Http;
using Serverless.Access;
using Serverless.Functions.Hosting;
using Serverless.Functions.OpenApi;
using Serverless.Messages;

namespace Serverless.Functions;

public sealed class ReceiveMessages(Receiver receiver)
{
    [Function(nameof(ReceiveMessages))]
    [Access(Permission.Read, "queue")]
    [ApiOperation("Lease up to maxMessages messages; long-poll up to waitSeconds. The body is optional.")]
    [ApiResponse(200, "The leased messages, possibly none.", Type = typeof(ReceiveResponse))]
    public async Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/vhosts/{vhost}/queues/{queue}/receive")] HttpRequest request,
        [FromBody] ReceiveRequest? body, string vhost, string queue)
    {
        body ??= new ReceiveRequest();
        request.ExtendDeadline(TimeSpan.FromSeconds(body.WaitSeconds ?? 0));
        return TypedResults.Ok(await receiver.ReceiveAsync(vhost, queue, body, request.HttpContext.RequestAborted));
    }
}
