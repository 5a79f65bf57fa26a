using Serverless.Functions.Hosting;
using Serverless.Functions.OpenApi;
using Serverless.Vhosts;

namespace Serverless.Functions;

public sealed class PutVhost(VhostService vhosts)
{
    [Function(nameof(PutVhost))]
    [Access(AccessLevel.Admin)]
    [ApiOperation("Create a vhost (201), or confirm it exists (200).")]
    [ApiResponse(201, "Created.", Type = typeof(VhostInfo))]
    [ApiResponse(200, "The vhost exists already.", Type = typeof(VhostInfo))]
    public async Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "v1/vhosts/{vhost}")] HttpRequest request, string vhost)
    {
        var (info, created) = await vhosts.CreateAsync(vhost, request.HttpContext.RequestAborted);
        return created ? TypedResults.Created($"/api/v1/vhosts/{info.Name}", info) : TypedResults.Ok(info);
    }
}
