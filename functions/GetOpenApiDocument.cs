using Serverless.Functions.OpenApi;

namespace Serverless.Functions;

public sealed class GetOpenApiDocument
{
    [Function(nameof(GetOpenApiDocument))]
    [ApiOperation("This OpenAPI document, generated from the functions' declarations. No key needed.", UsesStorage = false)]
    [ApiResponse(200, "The OpenAPI 3.1 document.", Type = typeof(System.Text.Json.Nodes.JsonObject))]
    public IResult Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi/v1.json")] HttpRequest request) =>
        TypedResults.Text(ApiDocument.Json, "application/json; charset=utf-8");
}
