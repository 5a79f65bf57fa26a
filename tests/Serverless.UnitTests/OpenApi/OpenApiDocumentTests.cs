using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Serverless.Functions.Hosting;
using Serverless.Functions.OpenApi;

namespace Serverless.UnitTests.OpenApi;

/// <summary>The OpenAPI document describes what the server does, generated from the functions' declarations.</summary>
public sealed partial class OpenApiDocumentTests
{
    private static readonly JsonObject Document = OpenApiDocumentGenerator.Generate(HttpFunctions.All);

    private static JsonObject Schemas => Document["components"]!["schemas"]!.AsObject();

    public static TheoryData<string, string> Operations()
    {
        var data = new TheoryData<string, string>();
        foreach (var (path, item) in Document["paths"]!.AsObject())
        {
            foreach (var (method, _) in item!.AsObject()) data.Add(path, method);
        }
        return data;
    }

    [Fact]
    public void Every_http_function_is_one_operation_named_after_it()
    {
        var operationIds = Operations().Select(row => Operation((string)row[0], (string)row[1])["operationId"]!.GetValue<string>()).Order(StringComparer.Ordinal);

        Assert.Equal(HttpFunctions.All.Select(f => f.Name).Order(StringComparer.Ordinal), operationIds);
    }

    [Theory]
    [MemberData(nameof(Operations))]
    public void Every_path_parameter_is_declared_required(string path, string method)
    {
        var inPath = PathParameter().Matches(path).Select(m => m.Groups[1].Value).ToList();
        var declared = (Operation(path, method)["parameters"]?.AsArray() ?? [])
            .Where(p => p!["in"]!.GetValue<string>() == "path" && p["required"]!.GetValue<bool>())
            .Select(p => p!["name"]!.GetValue<string>())
            .ToList();

        Assert.Equal(inPath, declared);
    }

    [Theory]
    [MemberData(nameof(Operations))]
    public void V1_operations_need_a_key_and_the_others_none(string path, string method)
    {
        var security = Operation(path, method)["security"]!.AsArray();

        if (path.StartsWith("/api/v1/", StringComparison.Ordinal))
        {
            Assert.Equal(["apiKey", "bearer"], security.SelectMany(s => s!.AsObject().Select(r => r.Key)).Order(StringComparer.Ordinal));
            Assert.NotNull(Operation(path, method)["responses"]!["401"]);
        }
        else
        {
            Assert.Empty(security);
        }
    }

    [Theory]
    [InlineData("/api/v1/vhosts/{vhost}", "put")]
    [InlineData("/api/v1/vhosts/{vhost}/queues/{queue}", "put")]
    [InlineData("/api/v1/vhosts/{vhost}/exchanges/{exchange}", "put")]
    [InlineData("/api/v1/vhosts/{vhost}/bindings", "post")]
    [InlineData("/api/v1/vhosts/{vhost}/policies/{policy}", "put")]
    [InlineData("/api/v1/vhosts/{vhost}/queues/{queue}/publish", "post")]
    [InlineData("/api/v1/vhosts/{vhost}/exchanges/{exchange}/publish", "post")]
    public void Operations_that_create_document_both_201_and_200(string path, string method)
    {
        var responses = Operation(path, method)["responses"]!.AsObject();

        Assert.NotNull(responses["201"]);
        Assert.NotNull(responses["200"]);
    }

    [Theory]
    [MemberData(nameof(Operations))]
    public void Every_operation_documents_413_for_a_body_over_4_MiB_also_one_that_takes_none(string path, string method)
    {
        Assert.NotNull(Operation(path, method)["responses"]!["413"]);
    }

    [Fact]
    public void Declare_mismatch_is_a_documented_409()
    {
        Assert.NotNull(Operation("/api/v1/vhosts/{vhost}/queues/{queue}", "put")["responses"]!["409"]);
    }

    [Fact]
    public void Publish_503_may_carry_the_results_and_a_retry_after()
    {
        var response = Operation("/api/v1/vhosts/{vhost}/queues/{queue}/publish", "post")["responses"]!["503"]!;

        var schema = response["content"]!["application/problem+json"]!["schema"]!;
        Assert.Contains(schema["allOf"]!.AsArray(), part => part!["properties"]?["results"] is not null);
        Assert.NotNull(response["headers"]!["Retry-After"]);
    }

    [Fact]
    public void Response_fields_omitted_when_null_are_not_required()
    {
        Assert.DoesNotContain("policy", Required("QueueInfo"));
        Assert.Contains("name", Required("QueueInfo"));
        Assert.Contains("messages", Required("QueueInfo"));
        foreach (var optional in new[] { "alternateExchange", "effectiveAlternateExchange", "policy", "createdAt" })
        {
            Assert.DoesNotContain(optional, Required("ExchangeInfo"));
        }
        Assert.Equal(["builtIn", "name", "type", "vhost"], Required("ExchangeInfo").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Responses_never_promise_null()
    {
        Assert.DoesNotContain("\"null\"", Schemas["QueueInfo"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("\"null\"", Schemas["ReceiveResponse"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Request_schemas_are_as_strict_as_the_validators()
    {
        Assert.Equal(["receipts"], Required("AckRequest"));
        Assert.False(Schemas["AckRequest"]!["additionalProperties"]!.GetValue<bool>());
        Assert.Equal(["body"], Required("PublishMessage"));

        var maxMessages = Schemas["ReceiveRequest"]!["properties"]!["maxMessages"]!;
        Assert.Equal("[\"integer\",\"null\"]", maxMessages["type"]!.ToJsonString());
        Assert.Equal(1, maxMessages["minimum"]!.GetValue<long>());
        Assert.Equal(100, maxMessages["maximum"]!.GetValue<long>());

        var shards = Schemas["DeclareQueueRequest"]!["properties"]!["arguments"]!["properties"]!["shards"]!;
        Assert.Equal(16, shards["maximum"]!.GetValue<long>());
        Assert.Equal(["definition", "pattern"], Required("PutPolicyRequest").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Publish_body_is_one_message_or_a_batch_of_1_to_100()
    {
        var oneOf = Schemas["PublishRequest"]!["oneOf"]!.AsArray();

        Assert.Equal(ApiSchemas.Prefix + "PublishMessage", oneOf[0]!["$ref"]!.GetValue<string>());
        var messages = oneOf[1]!["properties"]!["messages"]!;
        Assert.Equal(1, messages["minItems"]!.GetValue<int>());
        Assert.Equal(100, messages["maxItems"]!.GetValue<int>());
    }

    [Fact]
    public void Optional_bodies_are_documented_as_not_required()
    {
        Assert.False(Operation("/api/v1/vhosts/{vhost}/queues/{queue}/receive", "post")["requestBody"]!["required"]!.GetValue<bool>());
        Assert.True(Operation("/api/v1/vhosts/{vhost}/queues/{queue}/ack", "post")["requestBody"]!["required"]!.GetValue<bool>());
    }

    [Fact]
    public void Every_reference_resolves_to_a_component()
    {
        var references = ReferenceFinder().Matches(Document.ToJsonString()).Select(m => m.Groups[1].Value).Distinct();

        Assert.All(references, name => Assert.True(Schemas.ContainsKey(name), $"#/components/schemas/{name} is referenced but not defined"));
    }

    [Fact]
    public void Generation_is_deterministic()
    {
        Assert.Equal(Document.ToJsonString(), OpenApiDocumentGenerator.Generate(HttpFunctions.All).ToJsonString());
    }

    [Fact]
    public void A_type_with_a_custom_converter_and_no_schema_is_refused()
    {
        var schemas = new ApiSchemas();

        Assert.Throws<InvalidOperationException>(() => schemas.Reference(typeof(Opaque), SchemaUse.Response));
    }

    [Fact]
    public void Served_document_is_the_generated_one()
    {
        Assert.Equal(Document.ToJsonString(), JsonNode.Parse(ApiDocument.Json)!.ToJsonString());
    }

    private static JsonObject Operation(string path, string method) => Document["paths"]![path]![method]!.AsObject();

    private static List<string> Required(string schema) =>
        [.. (Schemas[schema]!["required"]?.AsArray() ?? []).Select(n => n!.GetValue<string>())];

    [GeneratedRegex(@"\{([^}]+)\}")]
    private static partial Regex PathParameter();

    [GeneratedRegex("\"#/components/schemas/([^\"/]+)")]
    private static partial Regex ReferenceFinder();

    [JsonConverter(typeof(OpaqueConverter))]
    public sealed record Opaque(string Value);

    private sealed class OpaqueConverter : JsonConverter<Opaque>
    {
        public override Opaque Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => new(reader.GetString()!);

        public override void Write(Utf8JsonWriter writer, Opaque value, JsonSerializerOptions options) => writer.WriteStringValue(value.Value);
    }
}
