using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Serverless.Functions.Hosting;
using Serverless.Testing;
using static Serverless.IntegrationTests.Functions.ApiClient;

namespace Serverless.IntegrationTests.Functions;

/// <summary>Authentication, GetHealth and GetOpenApiDocument (API.md, Authentication and Operations).</summary>
[Collection(ServiceCollection.Name)]
public sealed class OperationsFunctionsTests(ServiceFixture fixture) : IDisposable
{
    private readonly HttpClient anonymous = new() { BaseAddress = fixture.Service.BaseAddress };

    public void Dispose() => anonymous.Dispose();

    [Fact]
    public async Task Call_without_a_key_is_401_problem()
    {
        var problem = await anonymous.GetAsync("api/v1/vhosts").ExpectProblemAsync(HttpStatusCode.Unauthorized);

        Assert.False(problem.TryGetProperty("errors", out _));
    }

    [Fact]
    public async Task Call_with_a_wrong_key_is_401_problem()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/vhosts");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fixture.Service.AdminKey + "x");

        await (await anonymous.SendAsync(request)).ExpectProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Call_with_a_wrong_x_api_key_is_401_problem()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/vhosts");
        request.Headers.Add("x-api-key", "not-the-admin-key-at-all");

        await (await anonymous.SendAsync(request)).ExpectProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Call_with_another_auth_scheme_is_401()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/vhosts");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", fixture.Service.AdminKey);

        await (await anonymous.SendAsync(request)).ExpectProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Write_without_a_key_changes_nothing()
    {
        var name = NewQueueName();

        await anonymous.PutAsync(QueuePath(name), content: null).ExpectProblemAsync(HttpStatusCode.Unauthorized);

        await fixture.Client.GetAsync(QueuePath(name)).ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task X_api_key_header_is_accepted()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/vhosts");
        request.Headers.Add("x-api-key", fixture.Service.AdminKey);

        var vhosts = await (await anonymous.SendAsync(request)).ExpectAsync(HttpStatusCode.OK);

        Assert.Contains(DefaultVhost, vhosts.EnumerateArray().Select(v => v.Str("name")));
    }

    [Fact]
    public async Task Health_needs_no_key_and_reports_both_regions_healthy()
    {
        var health = await anonymous.GetAsync("api/health").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("healthy", health.Str("status"));
        var regions = health.GetProperty("regions").EnumerateArray().ToList();
        Assert.Equal(2, regions.Count);
        Assert.Equal(
            [(AzuriteRegionsFixture.PrimaryName, "primary"), (AzuriteRegionsFixture.SecondaryName, "secondary")],
            regions.Select(r => (r.Str("name"), r.Str("role"))).OrderBy(r => r.Item2, StringComparer.Ordinal).ToArray());
        Assert.All(regions, r => Assert.True(r.GetProperty("reachable").GetBoolean()));
    }

    [Fact]
    public async Task OpenApi_document_needs_no_key_and_lists_every_http_function()
    {
        using var response = await anonymous.GetAsync("api/openapi/v1.json");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var document = await response.ExpectAsync(HttpStatusCode.OK);

        Assert.StartsWith("3.", document.Str("openapi"));
        var paths = document.GetProperty("paths");
        var functions = HttpFunctions.All;
        Assert.True(functions.Count >= 16, $"only {functions.Count} HTTP functions found");
        var missing = functions
            .Where(f => !(paths.TryGetProperty("/api/" + f.Route, out var path) && path.TryGetProperty(f.Methods[0].ToLowerInvariant(), out _)))
            .Select(f => $"{f.Methods[0]} /api/{f.Route} ({f.Name})")
            .ToList();
        Assert.True(missing.Count == 0, "missing from the OpenAPI document: " + string.Join(", ", missing));
        foreach (var f in functions)
        {
            var operation = paths.GetProperty("/api/" + f.Route).GetProperty(f.Methods[0].ToLowerInvariant());
            Assert.Equal(f.Name, operation.Str("operationId"));
        }
    }

    [Fact]
    public async Task OpenApi_document_contains_the_implemented_routes_of_the_contract()
    {
        var document = await anonymous.GetAsync("api/openapi/v1.json").ExpectAsync(HttpStatusCode.OK);
        var paths = document.GetProperty("paths");

        // API.md routes this service implements, spelled as the contract spells them.
        (string Method, string Path)[] contract =
        [
            ("put", "/api/v1/vhosts/{vhost}"),
            ("get", "/api/v1/vhosts"),
            ("delete", "/api/v1/vhosts/{vhost}"),
            ("put", "/api/v1/vhosts/{vhost}/queues/{queue}"),
            ("get", "/api/v1/vhosts/{vhost}/queues"),
            ("get", "/api/v1/vhosts/{vhost}/queues/{queue}"),
            ("delete", "/api/v1/vhosts/{vhost}/queues/{queue}"),
            ("post", "/api/v1/vhosts/{vhost}/queues/{queue}/purge"),
            ("post", "/api/v1/vhosts/{vhost}/queues/{queue}/publish"),
            ("post", "/api/v1/vhosts/{vhost}/queues/{queue}/receive"),
            ("post", "/api/v1/vhosts/{vhost}/queues/{queue}/ack"),
            ("post", "/api/v1/vhosts/{vhost}/queues/{queue}/nack"),
            ("post", "/api/v1/vhosts/{vhost}/queues/{queue}/extend"),
            ("get", "/api/v1/vhosts/{vhost}/queues/{queue}/messages"),
            ("get", "/api/v1/events"),
            ("get", "/api/health"),
            ("get", "/api/openapi/v1.json"),
        ];
        var missing = contract.Where(c => !(paths.TryGetProperty(c.Path, out var p) && p.TryGetProperty(c.Method, out _))).ToList();
        Assert.True(missing.Count == 0, "missing: " + string.Join(", ", missing));
        var deleteQueue = paths.GetProperty("/api/v1/vhosts/{vhost}/queues/{queue}").GetProperty("delete");
        var queryParameters = deleteQueue.GetProperty("parameters").EnumerateArray()
            .Where(p => p.Str("in") == "query").Select(p => p.Str("name")).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["ifEmpty", "ifUnused"], queryParameters);
    }

    [Fact]
    public async Task Unknown_api_route_is_404_not_500()
    {
        using var response = await fixture.Client.GetAsync("api/v1/no-such-thing");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Wrong_method_on_a_route_is_405()
    {
        using var response = await fixture.Client.PatchAsync(QueuePath(NewQueueName()), content: null);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }
}
