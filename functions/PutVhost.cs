using Serverless.Functions.Hosting;
using Serverless.Vhosts;

namespace Serverless.Functions;

[HttpTrigger("PUT", "v1/vhosts/{vhost}", Response = typeof(VhostInfo), Status = 201, Summary = "Create a vhost (201), or confirm it exists (200).")]
public sealed class PutVhost(VhostService vhosts) : IHttpFunction
{
    public async Task<IResult> RunAsync(HttpContext context, CancellationToken cancellationToken = default)
    {
        var (vhost, created) = await vhosts.CreateAsync(context.RouteName("vhost"), cancellationToken);
        return created ? Results.Created($"/api/v1/vhosts/{vhost.Name}", vhost) : Results.Ok(vhost);
    }
}
