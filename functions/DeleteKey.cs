using Serverless.Access;
using Serverless.Functions.Hosting;
using Serverless.Functions.OpenApi;

namespace Serverless.Functions;

public sealed class DeleteKey(ApiKeyService keys)
{
    [Function(nameof(DeleteKey))]
    [Access(AccessLevel.Admin)]
    [ApiOperation("Revoke an API key: refused at once by this instance, by every instance within Auth:KeyCacheSeconds (default 5).")]
    [ApiResponse(204, "Revoked.")]
    [ApiProblem(404, "No key with this id.")]
    public async Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/keys/{id}")] HttpRequest request, string id)
    {
        await keys.RevokeAsync(id, request.HttpContext.RequestAborted);
        return TypedResults.NoContent();
    }
}
