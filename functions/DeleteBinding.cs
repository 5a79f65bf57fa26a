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
        // The admin may delete any binding: no need to read it first to learn what it connects.
        var caller = request.GetCaller();
        await bindings.DeleteAsync(vhost, id, caller.IsAdmin ? null : binding => caller.DemandAll(binding, vhost), request.HttpContext.RequestAborted);
        return TypedResults.NoContent();
    }
}
