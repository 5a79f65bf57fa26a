using Serverless.Functions.Hosting;
using Serverless.Vhosts;

namespace Serverless.Functions;

[HttpTrigger("GET", "v1/vhosts", Response = typeof(IReadOnlyList<VhostInfo>), Summary = "List vhosts.")]
public sealed class ListVhosts(VhostService vhosts) : IHttpFunction
{
    public async Task<IResult> RunAsync(HttpContext context, CancellationToken cancellationToken = default) =>
        Results.Ok(await vhosts.ListAsync(cancellationToken));
}
