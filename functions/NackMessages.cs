using Microsoft.Azure.Functions.Worker.Http;
using Serverless.Access;
using Serverless.Functions.Hosting;
using Serverless.Functions.OpenApi;
using Serverless.Messages;

namespace Serverless.Functions;

public sealed class NackMessages(Settlement settlement)
{
    [Function(nameof(NackMessages))]
    [Access(Permission.Read, "queue")]
    [ApiOperation("Return leased messages to the queue (after delaySeconds), or with requeue: false dead-letter or drop them.")]
    [ApiResponse(200, "One result per receipt, in order.", Type = typeof(SettleResponse))]
    public async Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/vhosts/{vhost}/queues/{queue}/nack")] HttpRequest request,
        [FromBody] NackRequest body, string vhost, string queue) =>
        TypedResults.Ok(await settlement.NackAsync(vhost, queue, body, request.HttpContext.RequestAborted));
}
