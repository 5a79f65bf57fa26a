using Serverless.Functions.Hosting;
using Serverless.Routing;

namespace Serverless.Functions;

[HttpTrigger("GET", "v1/vhosts/{vhost}/exchanges", Response = typeof(IReadOnlyList<ExchangeInfo>), Summary = "The exchanges of a vhost, built-in ones first.")]
public sealed class ListExchanges(ExchangeService exchanges) : IHttpFunction
{
    public async Task<IResult> RunAsync(HttpContext context, CancellationToken cancellationToken = default) =>
        Results.Ok(await exchanges.ListAsync(context.RouteName("vhost"), cancellationToken));
}
