using Microsoft.Azure.Functions.Worker.Http;
using Serverless.Failover;
using Serverless.Functions.Hosting;
using Serverless.Functions.OpenApi;

namespace Serverless.Functions;

public sealed class PutAutoFailover(AutoFailoverService autoFailover)
{
    [Function(nameof(PutAutoFailover))]
    [Access(AccessLevel.Admin)]
    [ApiOperation("Set automatic failover (admin): enabled, probeIntervalSeconds, failureThreshold, promote (whenSynced or always); a field left out keeps its value.")]
    [ApiResponse(200, "The automatic failover settings now in force.", Type = typeof(AutoFailoverSettings))]
    public async Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "v1/topology/auto-failover")] HttpRequest request,
        [FromBody] AutoFailoverRequest body) =>
        TypedResults.Ok(await autoFailover.SetAsync(body, request.HttpContext.RequestAborted));
}
