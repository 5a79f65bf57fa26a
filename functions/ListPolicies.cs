using Serverless.Functions.Hosting;
using Serverless.Policies;

namespace Serverless.Functions;

[HttpTrigger("GET", "v1/vhosts/{vhost}/policies", Response = typeof(IReadOnlyList<PolicyInfo>), Summary = "The policies of a vhost.")]
public sealed class ListPolicies(PolicyService policies) : IHttpFunction
{
    public async Task<IResult> RunAsync(HttpContext context, CancellationToken cancellationToken = default) =>
        Results.Ok(await policies.ListAsync(context.RouteName("vhost"), cancellationToken));
}
