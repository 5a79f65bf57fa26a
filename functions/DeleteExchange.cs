using Serverless.Access;
using Serverless.Functions.Hosting;
using Serverless.Functions.OpenApi;
using Serverless.Routing;

namespace Serverless.Functions;

public sealed class DeleteExchange(ExchangeService exchanges)
{
    [Function(nameof(DeleteExchange))]
    [Access(Permission.Configure, "exchange")]
    [ApiOperation("Delete an exchange and its bindings.")]
    [QueryParameter("ifUnused", typeof(bool), "Only if no binding has it as source (else 409).")]
    [ApiResponse(204, "Deleted.")]
    [ApiProblem(409, "The exchange is built in, or `ifUnused` was asked for and it has bindings.")]
    public async Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/vhosts/{vhost}/exchanges/{exchange}")] HttpRequest request, string vhost, string exchange)
    {
        await exchanges.DeleteAsync(vhost, exchange, request.QueryFlag("ifUnused"), request.HttpContext.RequestAborted);
        return TypedResults.NoContent();
    }
}
