using Serverless.Functions.Hosting;
using Serverless.Functions.OpenApi;
using Serverless.Replication;

namespace Serverless.Functions;

public sealed class GetTopology(TopologyService topology)
{
    [Function(nameof(GetTopology))]
    [Access(AccessLevel.Admin)]
    [ApiOperation("The regions, which one takes writes, whether the secondary is synchronized and how far it is behind (admin).")]
    [ApiResponse(200, "The topology, measured now.", Type = typeof(Topology))]
    public async Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/topology")] HttpRequest request) =>
        TypedResults.Ok(await topology.GetAsync(request.HttpContext.RequestAborted));
}
