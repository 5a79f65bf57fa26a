using Serverless.Functions.Hosting;
using Serverless.Functions.OpenApi;
using Serverless.Policies;

namespace Serverless.Functions;

public sealed class GetPolicy(PolicyService policies)
{
    [Function(nameof(GetPolicy))]
    [Access(AccessLevel.Vhost)]
    [ApiOperation("A policy.")]
    [ApiResponse(200, "The policy.", Type = typeof(PolicyInfo))]
    public async Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/vhosts/{vhost}/policies/{policy}")] HttpRequest request, string vhost, string policy) =>
        TypedResults.Ok(await policies.GetAsync(vhost, policy, request.HttpContext.RequestAborted));
}
