using Serverless.Access;
using Serverless.Functions.Hosting;
using Serverless.Functions.OpenApi;
using Serverless.Policies;

namespace Serverless.Functions;

public sealed class DeletePolicy(PolicyService policies)
{
    [Function(nameof(DeletePolicy))]
    [Access(Permission.Configure, "policy")]
    [ApiOperation("Delete a policy; its queues fall back to their own arguments at once.")]
    [ApiResponse(204, "Deleted.")]
    public async Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/vhosts/{vhost}/policies/{policy}")] HttpRequest request, string vhost, string policy)
    {
        await policies.DeleteAsync(vhost, policy, request.HttpContext.RequestAborted);
        return TypedResults.NoContent();
    }
}
