using Serverless.Functions.Hosting;
using Serverless.Policies;

namespace Serverless.Functions;

[HttpTrigger("DELETE", "v1/vhosts/{vhost}/policies/{policy}", Status = 204, Summary = "Delete a policy; its queues fall back to their own arguments at once.")]
public sealed class DeletePolicy(PolicyService policies) : IHttpFunction
{
    public async Task<IResult> RunAsync(HttpContext context, CancellationToken cancellationToken = default)
    {
        await policies.DeleteAsync(context.RouteName("vhost"), context.RouteName("policy"), cancellationToken);
        return Results.NoContent();
    }
}
