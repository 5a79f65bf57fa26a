using Serverless.Access;
using Serverless.Functions.Hosting;
using Serverless.Functions.OpenApi;
using Serverless.Messages;

namespace Serverless.Functions;

public sealed class PeekMessages(MessageBrowser browser)
{
    [Function(nameof(PeekMessages))]
    [Access(Permission.Read, "queue")]
    [ApiOperation("Look at messages without leasing them.")]
    [QueryParameter("state", typeof(string), "Which messages: ready (default), inFlight, delayed or deadLettered.", Values = ["ready", "inFlight", "delayed", "deadLettered"])]
    [QueryParameter("limit", typeof(int), "How many, 1-100 (default 20).", Minimum = 1, Maximum = 100)]
    [ApiResponse(200, "The messages, without receipts.", Type = typeof(ReceiveResponse))]
    public async Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/vhosts/{vhost}/queues/{queue}/messages")] HttpRequest request, string vhost, string queue)
    {
        var peek = await RequestBinding.ValidateAsync(request, PeekQuery.Parse(request.Query), request.HttpContext.RequestAborted);
        return TypedResults.Ok(await browser.PeekAsync(vhost, queue, peek, request.HttpContext.RequestAborted));
    }
}
