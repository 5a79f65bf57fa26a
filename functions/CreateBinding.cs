using Microsoft.Azure.Functions.Worker.Http;
using Serverless.Functions.Hosting;
using Serverless.Functions.OpenApi;
using Serverless.Routing;

namespace Serverless.Functions;

public sealed class CreateBinding(BindingService bindings)
{
    [Function(nameof(CreateBinding))]
    [Access(AccessLevel.Vhost)]
    [ApiOperation("Bind an exchange to a queue or to another exchange.")]
    [ApiResponse(201, "Created.", Type = typeof(BindingCreated))]
    [ApiResponse(200, "The same binding exists; its id.", Type = typeof(BindingCreated))]
    public async Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/vhosts/{vhost}/bindings")] HttpRequest request,
        [FromBody] CreateBindingRequest body, string vhost)
    {
        var (binding, created) = await bindings.CreateAsync(vhost, body, request.HttpContext.RequestAborted);
        var answer = new BindingCreated(binding.Id);
        return created ? TypedResults.Created($"/api/v1/vhosts/{vhost}/bindings/{binding.Id}", answer) : TypedResults.Ok(answer);
    }
}
