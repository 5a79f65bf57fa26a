using Microsoft.Azure.Functions.Worker.Http;
using Serverless.Access;
using Serverless.Functions.Hosting;
using Serverless.Functions.OpenApi;
using Serverless.Messages;

namespace Serverless.Functions;

public sealed class ExtendLeases(Settlement settlement)
{
    [Function(nameof(ExtendLeases))]
    [Access(Permission.Read, "queue")]
    [ApiOperation("Extend leases; the receipts do not change.")]
    [ApiResponse(200, "One result per receipt, in order.", Type = typeof(SettleResponse))]
    public async Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/vhosts/{vhost}/queues/{queue}/extend")] HttpRequest request,
        [FromBody] ExtendRequest body, string vhost, string queue) =>
        TypedResults.Ok(await settlement.ExtendAsync(vhost, queue, body, request.HttpContext.RequestAborted));
}
