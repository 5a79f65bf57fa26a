using System.Text.Json.Nodes;

namespace Serverless.IntegrationTests.Fuzz;

/// <summary>One operation of the served OpenAPI document: what the fuzz needs to aim requests at it.</summary>
/// <param name="Method">Upper-case HTTP method.</param>
/// <param name="PathTemplate">The path as the document names it, e.g. <c>/api/v1/vhosts/{vhost}/queues/{queue}</c>.</param>
/// <param name="PathParameters">The route parameters, in order.</param>
/// <param name="QueryParameters">Each query parameter with its schema.</param>
/// <param name="BodySchema">The JSON body's schema with every <c>$ref</c> resolved; null for operations without a body.</param>
/// <param name="RequiresKey">The operation declares a security requirement.</param>
public sealed record ApiEndpoint(
    string Method,
    string PathTemplate,
    IReadOnlyList<string> PathParameters,
    IReadOnlyList<KeyValuePair<string, JsonObject>> QueryParameters,
    JsonNode? BodySchema,
    bool RequiresKey)
{
    public override string ToString() => $"{Method} {PathTemplate}";

    /// <summary>Every operation of <paramref name="document"/> (an OpenAPI 3.1 document as served).</summary>
    public static IReadOnlyList<ApiEndpoint> FromOpenApi(JsonNode document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var schemas = document["components"]?["schemas"]?.AsObject() ?? [];
        var endpoints = new List<ApiEndpoint>();
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                var parameters = operation!["parameters"]?.AsArray().Select(p => p!.AsObject()).ToList() ?? [];
                var body = operation["requestBody"]?["content"]?["application/json"]?["schema"];
                var security = operation["security"]?.AsArray();
                endpoints.Add(new ApiEndpoint(
                    method.ToUpperInvariant(),
                    path,
                    [.. parameters.Where(p => (string?)p["in"] == "path").Select(p => (string)p["name"]!)],
                    [.. parameters.Where(p => (string?)p["in"] == "query").Select(p => KeyValuePair.Create((string)p["name"]!, p["schema"]!.AsObject()))],
                    body is null ? null : Resolve(body, schemas, depth: 0),
                    security is { Count: > 0 }));
            }
        }
        return endpoints;
    }

    // The document's schemas are a tree but for $ref; a copy with each reference inlined is easier to walk.
    private static JsonNode? Resolve(JsonNode? node, JsonObject schemas, int depth)
    {
        if (depth > 20) return new JsonObject();
        switch (node)
        {
            case JsonObject obj when obj["$ref"] is JsonValue reference:
                var name = ((string)reference!).Split('/')[^1];
                return Resolve(schemas[name], schemas, depth + 1);
            case JsonObject obj:
                return new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, Resolve(p.Value, schemas, depth + 1))));
            case JsonArray array:
                return new JsonArray([.. array.Select(e => Resolve(e, schemas, depth + 1))]);
            default:
                return node?.DeepClone();
        }
    }
}
