using Serverless.Functions.Hosting;
using Serverless.Vhosts;

namespace Serverless.Functions;

[HttpTrigger("DELETE", "v1/vhosts/{vhost}", Status = 204, Summary = "Delete a vhost and everything it holds.")]
public sealed class DeleteVhost(VhostService vhosts) : IHttpFunction
{
    public async Task<IResult> RunAsync(HttpContext context, CancellationToken cancellationToken = default)
    {
        await vhosts.DeleteAsync(context.RouteName("vhost"), cancellationToken);
        return Results.NoContent();
    }
}
