using Serverless.Functions.Hosting;
using Serverless.Functions.OpenApi;
using Serverless.Routing;

namespace Serverless.Functions;

public sealed class ListBindings(BindingService bindings)
{
    [Function(nameof(ListBindings))]
    [Access(AccessLevel.Vhost)]
    [ApiOperation("Bindings, optionally filtered by source and destination.")]
    [QueryParameter("source", typeof(string), "Only bindings from this exchange.")]
    [QueryParameter("destination", typeof(string), "Only bindings to this queue or exchange.")]
    [ApiResponse(200, "The bindings.", Type = typeof(IReadOnlyList<BindingInfo>))]
    public async Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/vhosts/{vhost}/bindings")] HttpRequest request, string vhost) =>
        TypedResults.Ok(await bindings.ListAsync(vhost, request.QueryValue("source"), request.QueryValue("destination"), request.HttpContext.RequestAborted));
}
