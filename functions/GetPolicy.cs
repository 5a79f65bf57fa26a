using Serverless.Functions.Hosting;
using Serverless.Policies;

namespace Serverless.Functions;

[HttpTrigger("GET", "v1/vhosts/{vhost}/policies/{policy}", Response = typeof(PolicyInfo), Summary = "A policy.")]
public sealed class GetPolicy(PolicyService policies) : IHttpFunction
{
    public async Task<IResult> RunAsync(HttpContext context, CancellationToken cancellationToken = default) =>
        Results.Ok(await policies.GetAsync(context.RouteName("vhost"), context.RouteName("policy"), cancellationToken));
}
