using Serverless.Functions.Hosting;
using Serverless.Functions.OpenApi;
using Serverless.Routing;

namespace Serverless.Functions;

public sealed class ListExchanges(ExchangeService exchanges)
{
    [Function(nameof(ListExchanges))]
    [Access(AccessLevel.Vhost)]
    [ApiOperation("The exchanges of a vhost, built-in ones first.")]
    [ApiResponse(200, "The exchanges.", Type = typeof(IReadOnlyList<ExchangeInfo>))]
    public async Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/vhosts/{vhost}/exchanges")] HttpRequest request, string vhost) =>
        TypedResults.Ok(await exchanges.ListAsync(vhost, request.HttpContext.RequestAborted));
}
