using Serverless.Functions.Hosting;
using Serverless.Routing;

namespace Serverless.Functions;

[HttpTrigger("GET", "v1/vhosts/{vhost}/bindings", Response = typeof(IReadOnlyList<BindingInfo>), Summary = "Bindings, optionally filtered by source and destination.")]
[QueryParameter("source", typeof(string), "Only bindings from this exchange.")]
[QueryParameter("destination", typeof(string), "Only bindings to this queue or exchange.")]
public sealed class ListBindings(BindingService bindings) : IHttpFunction
{
    public async Task<IResult> RunAsync(HttpContext context, CancellationToken cancellationToken = default)
    {
        var query = context.Request.Query;
        string? Filter(string name) => query[name].ToString() is { Length: > 0 } value ? value : null;
        return Results.Ok(await bindings.ListAsync(context.RouteName("vhost"), Filter("source"), Filter("destination"), cancellationToken));
    }
}
