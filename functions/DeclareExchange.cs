using Microsoft.Azure.Functions.Worker.Http;
using Serverless.Access;
using Serverless.Functions.Hosting;
using Serverless.Functions.OpenApi;
using Serverless.Routing;

namespace Serverless.Functions;

public sealed class DeclareExchange(ExchangeService exchanges)
{
    [Function(nameof(DeclareExchange))]
    [Access(Permission.Configure, "exchange")]
    [ApiOperation("Declare an exchange: 201 created, 200 exists with the same type and alternate exchange, 409 different.")]
    [ApiResponse(201, "Created.", Type = typeof(ExchangeInfo))]
    [ApiResponse(200, "The exchange exists with the same type and alternate exchange.", Type = typeof(ExchangeInfo))]
    [ApiProblem(409, "The exchange exists with a different type or alternate exchange, or is a built-in one of another type.")]
    public async Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "v1/vhosts/{vhost}/exchanges/{exchange}")] HttpRequest request,
        [FromBody] DeclareExchangeRequest body, string vhost, string exchange)
    {
        var (info, created) = await exchanges.DeclareAsync(vhost, exchange, body, request.HttpContext.RequestAborted);
        return created ? TypedResults.Created($"/api/v1/vhosts/{vhost}/exchanges/{exchange}", info) : TypedResults.Ok(info);
    }
}
