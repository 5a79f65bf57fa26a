using Serverless.Functions.Hosting;
using Serverless.Routing;

namespace Serverless.Functions;

[HttpTrigger("PUT", "v1/vhosts/{vhost}/exchanges/{exchange}", Request = typeof(DeclareExchangeRequest), Response = typeof(ExchangeInfo), Status = 201,
    Summary = "Declare an exchange: 201 created, 200 exists with the same type and alternate exchange, 409 different.")]
public sealed class DeclareExchange(ExchangeService exchanges) : IHttpFunction
{
    public async Task<IResult> RunAsync(HttpContext context, CancellationToken cancellationToken = default)
    {
        var (vhost, name) = (context.RouteName("vhost"), context.RouteName("exchange"));
        var request = await context.ReadJsonAsync<DeclareExchangeRequest>(cancellationToken: cancellationToken);
        var (exchange, created) = await exchanges.DeclareAsync(vhost, name, request, cancellationToken);
        return created ? Results.Created($"/api/v1/vhosts/{vhost}/exchanges/{name}", exchange) : Results.Ok(exchange);
    }
}
