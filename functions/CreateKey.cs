using Microsoft.Azure.Functions.Worker.Http;
using Serverless.Access;
using Serverless.Functions.Hosting;
using Serverless.Functions.OpenApi;

namespace Serverless.Functions;

public sealed class CreateKey(ApiKeyService keys)
{
    [Function(nameof(CreateKey))]
    [Access(AccessLevel.Admin)]
    [ApiOperation("Create an API key for one vhost with RabbitMQ permissions (configure, write, read: regexes over resource names). The secret is in this answer only.")]
    [ApiResponse(201, "Created; `key` is the secret, shown once.", Type = typeof(ApiKeyCreated))]
    public async Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/keys")] HttpRequest request,
        [FromBody] CreateKeyRequest body)
    {
        var created = await keys.CreateAsync(body, request.HttpContext.RequestAborted);
        return TypedResults.Created($"/api/v1/keys/{created.Id}", created);
    }
}
