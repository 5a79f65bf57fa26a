using Serverless.Access;
using Serverless.Functions.Hosting;
using Serverless.Functions.OpenApi;

namespace Serverless.Functions;

public sealed class ListKeys(ApiKeyService keys)
{
    [Function(nameof(ListKeys))]
    [Access(AccessLevel.Admin)]
    [ApiOperation("List API keys: ids and permissions, never secrets.")]
    [QueryParameter("vhost", typeof(string), "Only the keys of this vhost.")]
    [ApiResponse(200, "The keys, by vhost, oldest first.", Type = typeof(IReadOnlyList<ApiKeyInfo>))]
    public async Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/keys")] HttpRequest request) =>
        TypedResults.Ok(await keys.ListAsync(request.QueryValue("vhost"), request.HttpContext.RequestAborted));
}
