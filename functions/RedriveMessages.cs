using Microsoft.Azure.Functions.Worker.Http;
using Serverless.Access;
using Serverless.Functions.Hosting;
using Serverless.Functions.OpenApi;
using Serverless.Messages;

namespace Serverless.Functions;

public sealed class RedriveMessages(Redriver redriver)
{
    [Function(nameof(RedriveMessages))]
    [Access(Permission.Read, "queue")]
    [ApiOperation("Move dead-lettered messages back to the queue they died in (or to destination), delivery counts reset. The body is optional.")]
    [ApiResponse(200, "How many messages moved.", Type = typeof(RedriveResult))]
    public async Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/vhosts/{vhost}/queues/{queue}/redrive")] HttpRequest request,
        [FromBody] RedriveRequest? body, string vhost, string queue) =>
        TypedResults.Ok(await redriver.RedriveAsync(vhost, queue, body ?? new RedriveRequest(),
            target => request.GetCaller().May(Permission.Write, vhost, target), request.HttpContext.RequestAborted));
}
