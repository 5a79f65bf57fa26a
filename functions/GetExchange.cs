using Serverless.Functions.Hosting;
using Serverless.Routing;

namespace Serverless.Functions;

[HttpTrigger("GET", "v1/vhosts/{vhost}/exchanges/{exchange}", Response = typeof(ExchangeInfo), Summary = "An exchange.")]
public sealed class GetExchange(ExchangeService exchanges) : IHttpFunction
{
    public async Task<IResult> RunAsync(HttpContext context, CancellationToken cancellationToken = default) =>
        Results.Ok(await exchanges.GetAsync(context.RouteName("vhost"), context.RouteName("exchange"), cancellationToken));
}
