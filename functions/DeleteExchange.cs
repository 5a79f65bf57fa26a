using Serverless.Functions.Hosting;
using Serverless.Routing;

namespace Serverless.Functions;

[HttpTrigger("DELETE", "v1/vhosts/{vhost}/exchanges/{exchange}", Status = 204, Summary = "Delete an exchange and its bindings.")]
[QueryParameter("ifUnused", typeof(bool), "Only if no binding has it as source (else 409).")]
public sealed class DeleteExchange(ExchangeService exchanges) : IHttpFunction
{
    public async Task<IResult> RunAsync(HttpContext context, CancellationToken cancellationToken = default)
    {
        await exchanges.DeleteAsync(context.RouteName("vhost"), context.RouteName("exchange"), context.QueryFlag("ifUnused"), cancellationToken);
        return Results.NoContent();
    }
}
