using Microsoft.Azure.Functions.Worker.Http;
using Serverless.Failover;
using Serverless.Functions.Hosting;
using Serverless.Functions.OpenApi;
using Serverless.Replication;

namespace Serverless.Functions;

public sealed class Failover(FailoverService failover)
{
    [Function(nameof(Failover))]
    [Access(AccessLevel.Admin)]
    [ApiOperation("Promote the secondary region (admin). planned: writes pause, replication drains, nothing is lost; forced: at once, reporting unreplicatedMessages.")]
    [ApiResponse(200, "The new topology.", Type = typeof(Topology))]
    [ApiResponse(409, "Refused: a failover is running, the secondary does not answer, or planned with an unreachable primary (use forced).")]
    public async Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/topology/failover")] HttpRequest request,
        [FromBody] FailoverRequest body) =>
        TypedResults.Ok(await failover.FailoverAsync(body.Mode!, "requested by an operator", request.HttpContext.RequestAborted));
}
