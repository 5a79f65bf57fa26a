using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;
using Serverless.Json;
using Serverless.Messages;
using Serverless.Names;
using Serverless.Validation;

namespace Serverless.Functions.OpenApi;

/// <summary>JSON Schemas of the API's request and response types, exported by System.Text.Json from the same
/// options the server serializes with, then made exact: required fields, no <c>null</c> in responses (the
/// server omits nulls), request rules from the validators. Each top-level type becomes a named component.</summary>
public sealed class ApiSchemas
{
    public const string Prefix = "#/components/schemas/";

    private static readonly JsonSerializerOptions Options = new(ApiJson.Options) { RespectNullableAnnotations = true };

    private readonly SortedDictionary<string, (Type Type, SchemaUse Use, JsonObject Schema)> _components = new(StringComparer.Ordinal);
    private readonly ValidatorConstraints _constraints = new();

    /// <summary>The schemas referenced so far, by name.</summary>
    public JsonObject Components()
    {
        var components = new JsonObject();
        foreach (var (name, component) in _components) components[name] = component.Schema.DeepClone();
        return components;
    }

    /// <summary>A schema for <paramref name="type"/>: a <c>$ref</c> to its component, an array of them for a
    /// collection, or an inline schema for a JSON document type.</summary>
    public JsonObject Reference(Type type, SchemaUse use)
    {
        if (type == typeof(JsonObject)) return new JsonObject { ["type"] = "object" };
        if (ElementOf(type) is { } element) return new JsonObject { ["type"] = "array", ["items"] = Reference(element, use) };
        var name = type.Name;
        if (_components.TryGetValue(name, out var existing))
        {
            if (existing.Type != type || existing.Use != use)
                throw new InvalidOperationException($"Schema name {name} is used by {existing.Type} as {existing.Use} and by {type} as {use}.");
        }
        else
        {
            _components[name] = (type, use, new JsonObject());
            _components[name] = (type, use, Build(type, use, name));
        }
        return new JsonObject { ["$ref"] = Prefix + name };
    }

    /// <summary>The properties of <paramref name="type"/>'s response schema, none required: what a problem
    /// may carry beside its standard fields.</summary>
    public JsonObject Extension(Type type)
    {
        var schema = Build(type, SchemaUse.Response, type.Name);
        schema.Remove("required");
        return schema;
    }

    /// <summary>A route parameter: a resource name.</summary>
    public static JsonObject ResourceNameSchema() => new()
    {
        ["type"] = "string",
        ["minLength"] = 1,
        ["maxLength"] = ResourceName.MaxLength,
        ["pattern"] = "^[A-Za-z0-9][A-Za-z0-9._-]*$",
    };

    private JsonObject Build(Type type, SchemaUse use, string name)
    {
        if (type == typeof(PublishRequest)) return PublishRequestSchema();
        var exporter = new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = (context, node) => Transform(context, node, use),
        };
        var schema = JsonSchemaExporter.GetJsonSchemaAsNode(Options, type, exporter).AsObject();
        // Local references of the exporter point into this schema, which now lives under components.
        RewriteLocalReferences(schema, Prefix + name);
        return schema;
    }

    private JsonNode Transform(JsonSchemaExporterContext context, JsonNode node, SchemaUse use)
    {
        var type = context.TypeInfo.Type;
        if (type == typeof(DateTimeOffset) || type == typeof(DateTimeOffset?))
        {
            // Written by UtcTimeConverter, which the exporter cannot see into.
            node = new JsonObject { ["type"] = type == typeof(DateTimeOffset) || use == SchemaUse.Response ? "string" : new JsonArray("string", "null"), ["format"] = "date-time" };
        }
        if (context.TypeInfo.Kind == JsonTypeInfoKind.None && !IsPlain(type) && node is JsonObject { Count: 0 } or JsonValue)
        {
            throw new InvalidOperationException($"{type} has a custom JSON converter: give it a schema in {nameof(ApiSchemas)}.");
        }
        if (node is not JsonObject schema) return node;
        if (use == SchemaUse.Response) WithoutNull(schema);
        if (context.TypeInfo.Kind == JsonTypeInfoKind.Object && schema["properties"] is JsonObject properties)
        {
            var required = new JsonArray();
            foreach (var property in context.TypeInfo.Properties)
            {
                if (properties[property.Name] is not JsonObject propertySchema) continue;
                var isRequired = use == SchemaUse.Response
                    ? !IsNullable(property)
                    : _constraints.Apply(type, ClrName(property), property.Name, propertySchema);
                if (isRequired)
                {
                    required.Add(property.Name);
                    WithoutNull(propertySchema);
                }
            }
            schema.Remove("required");
            if (required.Count > 0) schema["required"] = required;
            // Requests reject unknown fields (400 naming them); responses may grow new ones.
            if (use == SchemaUse.Response) schema.Remove("additionalProperties");
        }
        return schema;
    }

    // One message, or { "messages": [ ... ] } with 1-100 of them (PublishRequestConverter).
    private JsonObject PublishRequestSchema() => new()
    {
        ["oneOf"] = new JsonArray(
            Reference(typeof(PublishMessage), SchemaUse.Request),
            new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject
                {
                    ["messages"] = new JsonObject
                    {
                        ["type"] = "array",
                        ["minItems"] = 1,
                        ["maxItems"] = PublishRequestValidator.MaxMessages,
                        ["items"] = Reference(typeof(PublishMessage), SchemaUse.Request),
                    },
                },
                ["required"] = new JsonArray("messages"),
                ["additionalProperties"] = false,
            }),
    };

    private static bool IsNullable(JsonPropertyInfo property) => property.PropertyType.IsValueType
        ? Nullable.GetUnderlyingType(property.PropertyType) is not null
        : property.IsGetNullable;

    private static string ClrName(JsonPropertyInfo property) =>
        (property.AttributeProvider as System.Reflection.MemberInfo)?.Name ?? property.Name;

    private static bool IsPlain(Type type) => type == typeof(JsonElement) || type == typeof(object);

    private static void WithoutNull(JsonObject schema)
    {
        if (schema["type"] is JsonArray types)
        {
            var rest = types.Select(t => t!.GetValue<string>()).Where(t => t != "null").ToList();
            schema["type"] = rest.Count == 1 ? rest[0] : new JsonArray([.. rest.Select(t => (JsonNode)t)]);
        }
        if (schema["enum"] is JsonArray values && values.Any(v => v is null))
        {
            schema["enum"] = new JsonArray([.. values.Where(v => v is not null).Select(v => v!.DeepClone())]);
        }
    }

    private static void RewriteLocalReferences(JsonNode? node, string root)
    {
        switch (node)
        {
            case JsonObject obj:
                if (obj["$ref"] is JsonValue reference && reference.GetValue<string>() is var target && target.StartsWith('#') && !target.StartsWith(Prefix, StringComparison.Ordinal))
                {
                    obj["$ref"] = root + target[1..];
                }
                foreach (var (_, child) in obj.ToList()) RewriteLocalReferences(child, root);
                break;
            case JsonArray array:
                foreach (var child in array) RewriteLocalReferences(child, root);
                break;
        }
    }

    private static Type? ElementOf(Type type)
    {
        if (type == typeof(string) || !type.IsGenericType) return null;
        var definition = type.GetGenericTypeDefinition();
        return definition == typeof(IReadOnlyList<>) || definition == typeof(List<>) || definition == typeof(IEnumerable<>) || definition == typeof(IReadOnlyCollection<>)
            ? type.GetGenericArguments()[0]
            : null;
    }
}
