using Microsoft.Azure.Functions.Worker.Http;
using Serverless.Access;
using Serverless.Functions.Hosting;
using Serverless.Functions.OpenApi;
using Serverless.Policies;

namespace Serverless.Functions;

public sealed class PutPolicy(PolicyService policies)
{
    [Function(nameof(PutPolicy))]
    [Access(Permission.Configure, "policy")]
    [ApiOperation("Create or replace a policy; it applies at once to matching queues and exchanges.")]
    [ApiResponse(201, "Created.", Type = typeof(PolicyInfo))]
    [ApiResponse(200, "Replaced.", Type = typeof(PolicyInfo))]
    public async Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "v1/vhosts/{vhost}/policies/{policy}")] HttpRequest request,
        [FromBody] PutPolicyRequest body, string vhost, string policy)
    {
        var (info, created) = await policies.PutAsync(vhost, policy, body, request.HttpContext.RequestAborted);
        return created ? TypedResults.Created($"/api/v1/vhosts/{vhost}/policies/{policy}", info) : TypedResults.Ok(info);
    }
}
