using System.Text.Json.Nodes;
using Serverless.Functions.Hosting;

namespace Serverless.Functions.OpenApi;

/// <summary>Writes the OpenAPI 3.1 document of the HTTP functions from their declarations: route and method
/// from <c>[HttpTrigger]</c>, the body from the <c>[FromBody]</c> parameter, answers from <c>[ApiResponse]</c> and
/// <c>[ApiProblem]</c>, and the problems every function of a kind can answer from the pipeline's rules.</summary>
public static class OpenApiDocumentGenerator
{
    public const string RoutePrefix = "/api/";
    private const string ProblemSchema = "Problem";
    private const string Json = "application/json";
    private const string ProblemJson = "application/problem+json";

    private static readonly (string Name, string Description)[] Tags =
    [
        ("Vhosts", "Virtual hosts: namespaces of queues, exchanges and policies."),
        ("Queues", "Declare, inspect, purge and delete queues."),
        ("Messages", "Publish, receive, settle, peek and redrive messages."),
        ("Exchanges", "Exchanges route published messages to queues."),
        ("Bindings", "Bindings connect exchanges to queues and to other exchanges."),
        ("Policies", "Policies set queue arguments by name pattern."),
        ("Operations", "Health, diagnostics and this document."),
    ];

    public static JsonObject Generate(IEnumerable<HttpFunction> functions)
    {
        var schemas = new ApiSchemas();
        var paths = new JsonObject();
        foreach (var group in functions.GroupBy(f => RoutePrefix + f.Route).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var item = new JsonObject();
            foreach (var function in group.OrderBy(f => f.Methods[0], StringComparer.Ordinal))
            {
                foreach (var method in function.Methods) item[method.ToLowerInvariant()] = Operation(function, schemas);
            }
            paths[group.Key] = item;
        }

        var components = schemas.Components();
        components[ProblemSchema] = Problem();
        return new JsonObject
        {
            ["openapi"] = "3.1.0",
            ["info"] = new JsonObject
            {
                ["title"] = "Serverless queue service",
                ["version"] = "v1",
                ["description"] = "Geo-replicated managed queues with RabbitMQ's messaging model over HTTP: publish, receive, ack. "
                    + "Every `/api/v1` call needs `Authorization: Bearer <key>` or `x-api-key: <key>`. Errors are RFC 9457 problems. "
                    + "Fields without a value are left out of answers.",
            },
            ["servers"] = new JsonArray(new JsonObject { ["url"] = "/", ["description"] = "This service." }),
            ["tags"] = new JsonArray([.. Tags.Select(t => (JsonNode)new JsonObject { ["name"] = t.Name, ["description"] = t.Description })]),
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["schemas"] = Sorted(components),
                ["securitySchemes"] = new JsonObject
                {
                    ["bearer"] = new JsonObject { ["type"] = "http", ["scheme"] = "bearer", ["description"] = "`Authorization: Bearer <key>` with the admin key." },
                    ["apiKey"] = new JsonObject { ["type"] = "apiKey", ["in"] = "header", ["name"] = "x-api-key", ["description"] = "`x-api-key: <key>` with the admin key." },
                },
            },
        };
    }

    private static JsonObject Operation(HttpFunction function, ApiSchemas schemas)
    {
        var operation = new JsonObject
        {
            ["operationId"] = function.Name,
            ["summary"] = function.Operation.Summary,
            ["tags"] = new JsonArray(TagOf(function.Route)),
        };
        var parameters = new JsonArray();
        foreach (var name in function.RouteParameters)
        {
            parameters.Add(new JsonObject { ["name"] = name, ["in"] = "path", ["required"] = true, ["description"] = $"The {Describe(name)}.", ["schema"] = ApiSchemas.ResourceNameSchema() });
        }
        foreach (var query in function.QueryParameters)
        {
            parameters.Add(new JsonObject { ["name"] = query.Name, ["in"] = "query", ["required"] = false, ["description"] = query.Description, ["schema"] = QuerySchema(query) });
        }
        if (parameters.Count > 0) operation["parameters"] = parameters;
        if (function.Body is { } body)
        {
            operation["requestBody"] = new JsonObject
            {
                ["required"] = !function.BodyIsOptional,
                ["content"] = new JsonObject { [Json] = new JsonObject { ["schema"] = schemas.Reference(body.ParameterType, SchemaUse.Request) } },
            };
        }
        var responses = new SortedDictionary<string, JsonNode>(StringComparer.Ordinal);
        foreach (var response in function.Responses)
        {
            var answer = new JsonObject { ["description"] = response.Description };
            if (response.Type is { } type) answer["content"] = new JsonObject { [Json] = new JsonObject { ["schema"] = schemas.Reference(type, SchemaUse.Response) } };
            responses[Status(response.Status)] = answer;
        }
        foreach (var (status, description, extensions) in Problems(function))
        {
            if (responses.ContainsKey(Status(status))) continue;
            responses[Status(status)] = ProblemResponse(status, description, extensions is null ? null : schemas.Extension(extensions));
        }
        operation["responses"] = new JsonObject([.. responses.Select(r => KeyValuePair.Create(r.Key, (JsonNode?)r.Value))]);
        operation["security"] = function.RequiresKey
            ? new JsonArray(new JsonObject { ["bearer"] = new JsonArray() }, new JsonObject { ["apiKey"] = new JsonArray() })
            : new JsonArray();
        return operation;
    }

    /// <summary>The problems a function can answer: its own, then those of the pipeline that apply to it.</summary>
    public static IEnumerable<(int Status, string Description, Type? Extensions)> Problems(HttpFunction function)
    {
        foreach (var problem in function.Problems) yield return (problem.Status, problem.Description, problem.Extensions);
        var hasInput = function.RouteParameters.Count > 0 || function.QueryParameters.Count > 0 || function.Body is not null;
        yield return (400, hasInput
            ? "Invalid input; `errors` names each bad field or parameter (also: the path has `.` or `..` segments)."
            : "The path has `.` or `..` segments.", null);
        yield return (431, "A request header is larger than 8 KiB, or all of them together larger than 16 KiB; `errors` names it.", null);
        if (function.RequiresKey)
        {
            yield return (401, "No credential, or an unknown, revoked or expired one.", null);
            yield return (403, "The caller lacks the permission: this needs " + string.Join(" and ", function.Access.Select(a => a.Describe())) + ".", null);
            yield return (429, "The caller's request rate (RateLimits:RequestsPerSecondPerKey) is exceeded; retry after `Retry-After` seconds.", null);
        }
        if (function.RouteParameters.Contains("vhost")) yield return (404, "The vhost, or another resource the request names, does not exist; the title says which kind.", null);
        if (function.Body is { } body)
        {
            yield return (413, body.ParameterType == typeof(Messages.PublishRequest)
                ? "The request is larger than 4 MiB, or a message body is larger than 256 KiB after decoding; `errors` names the field."
                : "The request is larger than 4 MiB; `errors` names `body`.", null);
            yield return (415, "The body is not `application/json`.", null);
        }
        else
        {
            // The operation takes no body but waits for one a client sends (RequestGuardMiddleware), within the same limit.
            yield return (413, "A body was sent (this operation takes none) and it is larger than 4 MiB; `errors` names `body`.", null);
        }
        if (function.Operation.UsesStorage) yield return (503, "Storage is unavailable or the request ran out of time; retry after `Retry-After` seconds.", null);
    }

    private static JsonObject ProblemResponse(int status, string description, JsonObject? extensions)
    {
        JsonNode schema = new JsonObject { ["$ref"] = ApiSchemas.Prefix + ProblemSchema };
        if (extensions is not null) schema = new JsonObject { ["allOf"] = new JsonArray(schema, extensions) };
        var response = new JsonObject
        {
            ["description"] = description,
            ["content"] = new JsonObject { [ProblemJson] = new JsonObject { ["schema"] = schema } },
        };
        if (status is 429 or 503)
        {
            response["headers"] = new JsonObject
            {
                ["Retry-After"] = new JsonObject { ["description"] = "Seconds to wait before retrying.", ["schema"] = new JsonObject { ["type"] = "integer", ["minimum"] = 1 } },
            };
        }
        return response;
    }

    private static JsonObject Problem() => new()
    {
        ["type"] = "object",
        ["description"] = "An RFC 9457 problem.",
        ["properties"] = new JsonObject
        {
            ["type"] = new JsonObject { ["type"] = "string", ["description"] = "The RFC section that defines the status." },
            ["title"] = new JsonObject { ["type"] = "string" },
            ["status"] = new JsonObject { ["type"] = "integer" },
            ["detail"] = new JsonObject { ["type"] = "string" },
            ["instance"] = new JsonObject { ["type"] = "string" },
            ["errors"] = new JsonObject
            {
                ["type"] = "object",
                ["description"] = "Field or parameter name → what is wrong with it (validation failures and 409 mismatches).",
                ["additionalProperties"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" } },
            },
        },
        ["required"] = new JsonArray("type", "title", "status", "detail"),
    };

    private static JsonObject QuerySchema(QueryParameterAttribute query)
    {
        if (query.Type == typeof(bool)) return new JsonObject { ["type"] = "boolean" };
        if (query.Type == typeof(DateTimeOffset)) return new JsonObject { ["type"] = "string", ["format"] = "date-time" };
        if (query.Type == typeof(int))
        {
            var schema = new JsonObject { ["type"] = "integer" };
            if (query.Minimum != int.MinValue) schema["minimum"] = query.Minimum;
            if (query.Maximum != int.MaxValue) schema["maximum"] = query.Maximum;
            return schema;
        }
        var text = new JsonObject { ["type"] = "string" };
        if (query.Values is { } values) text["enum"] = new JsonArray([.. values.Select(v => (JsonNode)v)]);
        return text;
    }

    private static string TagOf(string route)
    {
        var segments = route.Split('/');
        if (segments[0] != "v1" || segments.Length < 2 || segments[1] == "diagnostics") return "Operations";
        if (segments[^1] is "publish" or "receive" or "ack" or "nack" or "extend" or "messages" or "redrive") return "Messages";
        var resource = segments.Length > 3 ? segments[3] : segments[1];
        return char.ToUpperInvariant(resource[0]) + resource[1..];
    }

    private static string Describe(string routeParameter) => routeParameter == "id" ? "binding id" : routeParameter;

    private static string Status(int status) => status.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static JsonObject Sorted(JsonObject components) =>
        new([.. components.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => KeyValuePair.Create(c.Key, c.Value?.DeepClone()))]);
}
