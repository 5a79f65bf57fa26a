using Serverless.Functions.Hosting;
using Serverless.Functions.OpenApi;
using Serverless.Routing;

namespace Serverless.Functions;

public sealed class GetExchange(ExchangeService exchanges)
{
    [Function(nameof(GetExchange))]
    [Access(AccessLevel.Vhost)]
    [ApiOperation("An exchange.")]
    [ApiResponse(200, "The exchange.", Type = typeof(ExchangeInfo))]
    public async Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/vhosts/{vhost}/exchanges/{exchange}")] HttpRequest request, string vhost, string exchange) =>
        TypedResults.Ok(await exchanges.GetAsync(vhost, exchange, request.HttpContext.RequestAborted));
}
