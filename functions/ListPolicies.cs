using Serverless.Functions.Hosting;
using Serverless.Functions.OpenApi;
using Serverless.Policies;

namespace Serverless.Functions;

public sealed class ListPolicies(PolicyService policies)
{
    [Function(nameof(ListPolicies))]
    [Access(AccessLevel.Vhost)]
    [ApiOperation("The policies of a vhost.")]
    [ApiResponse(200, "The policies.", Type = typeof(IReadOnlyList<PolicyInfo>))]
    public async Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/vhosts/{vhost}/policies")] HttpRequest request, string vhost) =>
        TypedResults.Ok(await policies.ListAsync(vhost, request.HttpContext.RequestAborted));
}
