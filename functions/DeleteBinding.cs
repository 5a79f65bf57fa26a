using Serverless.Functions.Hosting;
using Serverless.Routing;

namespace Serverless.Functions;

[HttpTrigger("DELETE", "v1/vhosts/{vhost}/bindings/{id}", Status = 204, Summary = "Delete a binding.")]
public sealed class DeleteBinding(BindingService bindings) : IHttpFunction
{
    public async Task<IResult> RunAsync(HttpContext context, CancellationToken cancellationToken = default)
    {
        await bindings.DeleteAsync(context.RouteName("vhost"), context.RouteName("id"), cancellationToken);
        return Results.NoContent();
    }
}
