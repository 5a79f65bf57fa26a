using Serverless.Functions.Hosting;
using Serverless.Functions.OpenApi;
using Serverless.Routing;

namespace Serverless.Functions;

public sealed class DeleteBinding(BindingService bindings)
{
    [Function(nameof(DeleteBinding))]
    [Access(AccessLevel.Vhost)]
    [ApiOperation("Delete a binding.")]
    [ApiResponse(204, "Deleted.")]
    public async Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/vhosts/{vhost}/bindings/{id}")] HttpRequest request, string vhost, string id)
    {
        var caller = request.GetCaller();
        await bindings.DeleteAsync(vhost, id, binding => { foreach (var demand in binding.Demands(vhost)) caller.Demand(demand); }, request.HttpContext.RequestAborted);
        return TypedResults.NoContent();
    }
}
