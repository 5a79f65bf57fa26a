using Serverless.Functions.Hosting;
using Serverless.Functions.OpenApi;
using Serverless.Vhosts;

namespace Serverless.Functions;

public sealed class ListVhosts(VhostService vhosts)
{
    [Function(nameof(ListVhosts))]
    [Access(AccessLevel.Admin)]
    [ApiOperation("List vhosts.")]
    [ApiResponse(200, "The vhosts.", Type = typeof(IReadOnlyList<VhostInfo>))]
    public async Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/vhosts")] HttpRequest request) =>
        TypedResults.Ok(await vhosts.ListAsync(request.HttpContext.RequestAborted));
}
