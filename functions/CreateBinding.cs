using Serverless.Functions.Hosting;
using Serverless.Routing;

namespace Serverless.Functions;

[HttpTrigger("POST", "v1/vhosts/{vhost}/bindings", Request = typeof(CreateBindingRequest), Response = typeof(BindingCreated), Status = 201,
    Summary = "Bind an exchange to a queue or exchange: 201 created, 200 the same binding exists.")]
public sealed class CreateBinding(BindingService bindings) : IHttpFunction
{
    public async Task<IResult> RunAsync(HttpContext context, CancellationToken cancellationToken = default)
    {
        var vhost = context.RouteName("vhost");
        var request = await context.ReadJsonAsync<CreateBindingRequest>(cancellationToken: cancellationToken);
        var (binding, created) = await bindings.CreateAsync(vhost, request, cancellationToken);
        var body = new BindingCreated(binding.Id);
        return created ? Results.Created($"/api/v1/vhosts/{vhost}/bindings/{binding.Id}", body) : Results.Ok(body);
    }
}
