using Microsoft.Azure.Functions.Worker.Http;
using Serverless.Access;
using Serverless.Functions.Hosting;
using Serverless.Functions.OpenApi;
using Serverless.Messages;

namespace Serverless.Functions;

public sealed class AckMessages(Settlement settlement)
{
    [Function(nameof(AckMessages))]
    [Access(Permission.Read, "queue")]
    [ApiOperation("Delete messages whose receipt is their current lease; other receipts are `stale`.")]
    [ApiResponse(200, "One result per receipt, in order.", Type = typeof(SettleResponse))]
    public async Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/vhosts/{vhost}/queues/{queue}/ack")] HttpRequest request,
        [FromBody] AckRequest body, string vhost, string queue) =>
        TypedResults.Ok(await settlement.AckAsync(vhost, queue, body, request.HttpContext.RequestAborted));
}
