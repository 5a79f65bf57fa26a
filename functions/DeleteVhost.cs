using Serverless.Functions.Hosting;
using Serverless.Functions.OpenApi;
using Serverless.Vhosts;

namespace Serverless.Functions;

public sealed class DeleteVhost(VhostService vhosts)
{
    [Function(nameof(DeleteVhost))]
    [Access(AccessLevel.Admin)]
    [ApiOperation("Delete a vhost and everything it holds.")]
    [ApiResponse(204, "Deleted.")]
    public async Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/vhosts/{vhost}")] HttpRequest request, string vhost)
    {
        await vhosts.DeleteAsync(vhost, request.HttpContext.RequestAborted);
        return TypedResults.NoContent();
    }
}
