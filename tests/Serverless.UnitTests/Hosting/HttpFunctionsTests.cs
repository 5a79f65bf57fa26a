using System.Reflection;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Serverless.Functions.Hosting;

namespace Serverless.UnitTests.Hosting;

/// <summary>The reflection catalog the pipeline and the OpenAPI document use reads the same declarations
/// the Worker SDK wrote into <c>functions.metadata</c> at build time.</summary>
public sealed class HttpFunctionsTests
{
    [Fact]
    public void Catalog_matches_the_http_triggers_of_functions_metadata()
    {
        using var metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "functions.metadata")));
        var fromMetadata = metadata.RootElement.EnumerateArray()
            .SelectMany(f => f.GetProperty("bindings").EnumerateArray()
                .Where(b => b.GetProperty("type").GetString() == "httpTrigger")
                .Select(b => $"{f.GetProperty("name").GetString()} {string.Join(",", b.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant()))} {b.GetProperty("route").GetString()}"))
            .Order(StringComparer.Ordinal)
            .ToList();

        var fromCatalog = HttpFunctions.All.Select(f => $"{f.Name} {string.Join(",", f.Methods)} {f.Route}").Order(StringComparer.Ordinal).ToList();

        Assert.True(fromMetadata.Count >= 30, $"only {fromMetadata.Count} HTTP functions in functions.metadata");
        Assert.Equal(fromMetadata, fromCatalog);
    }

    [Fact]
    public void Every_function_is_named_after_its_class()
    {
        var functions = typeof(HttpFunctions).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods())
            .Select(m => (Method: m, Function: m.GetCustomAttribute<FunctionAttribute>()))
            .Where(x => x.Function is not null)
            .ToList();

        Assert.NotEmpty(functions);
        Assert.All(functions, x => Assert.Equal(x.Method.DeclaringType!.Name, x.Function!.Name));
    }

    [Fact]
    public void Only_v1_routes_need_a_key()
    {
        var anonymous = HttpFunctions.All.Where(f => !f.RequiresKey).Select(f => f.Name).Order(StringComparer.Ordinal);

        Assert.Equal(["GetHealth", "GetOpenApiDocument"], anonymous);
    }

    [Fact]
    public void Optional_bodies_are_the_nullable_body_parameters()
    {
        var optional = HttpFunctions.All.Where(f => f.BodyIsOptional).Select(f => f.Name).Order(StringComparer.Ordinal);

        Assert.Equal(["DeclareQueue", "ReceiveMessages", "RedriveMessages"], optional);
    }
}
