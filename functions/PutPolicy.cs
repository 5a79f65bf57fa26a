using Serverless.Functions.Hosting;
using Serverless.Policies;

namespace Serverless.Functions;

[HttpTrigger("PUT", "v1/vhosts/{vhost}/policies/{policy}", Request = typeof(PutPolicyRequest), Response = typeof(PolicyInfo), Status = 201,
    Summary = "Create (201) or replace (200) a policy; it applies at once to matching queues and exchanges.")]
public sealed class PutPolicy(PolicyService policies) : IHttpFunction
{
    public async Task<IResult> RunAsync(HttpContext context, CancellationToken cancellationToken = default)
    {
        var (vhost, name) = (context.RouteName("vhost"), context.RouteName("policy"));
        var request = await context.ReadJsonAsync<PutPolicyRequest>(cancellationToken: cancellationToken);
        var (policy, created) = await policies.PutAsync(vhost, name, request, cancellationToken);
        return created ? Results.Created($"/api/v1/vhosts/{vhost}/policies/{name}", policy) : Results.Ok(policy);
    }
}
