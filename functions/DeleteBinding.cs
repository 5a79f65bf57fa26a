using Serverless.Functions.OpenApi;
using Serverless.Routing;

namespace Serverless.Functions;

public sealed class DeleteBinding(BindingService bindings)
{
    [Function(nameof(DeleteBinding))]
    [ApiOperation("Delete a binding.")]
    [ApiResponse(204, "Deleted.")]
    public async Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/vhosts/{vhost}/bindings/{id}")] HttpRequest request, string vhost, string id)
    {
        await bindings.DeleteAsync(vhost, id, request.HttpContext.RequestAborted);
        return TypedResults.NoContent();
    }
}
