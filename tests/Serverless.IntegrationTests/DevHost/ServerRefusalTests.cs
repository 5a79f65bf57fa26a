using System.Text.Json;
using Serverless.Testing;
using static Serverless.IntegrationTests.Functions.ApiClient;

namespace Serverless.IntegrationTests.DevHost;

/// <summary>Requests refused by the HTTP server itself, or that it must pass on byte for byte, as the fuzz suite found
/// them: a 4xx problem+json naming the status, never an empty body, never a 503 for the client's own header.</summary>
[Collection(ServiceCollection.Name)]
public sealed class ServerRefusalTests(ServiceFixture fixture)
{
    [Fact]
    public async Task Headers_over_the_servers_limit_are_a_431_problem()
    {
        var response = await SendAsync(new RawHttpRequest("GET", "/api/v1/vhosts")
        {
            Headers = [new("Authorization", $"Bearer {fixture.Service.AdminKey}"), new("x-big", new string('h', 70 * 1024))],
        });

        AssertProblem(response, 431);
    }

    [Fact]
    public async Task Too_many_headers_are_a_431_problem()
    {
        var response = await SendAsync(new RawHttpRequest("GET", "/api/v1/vhosts")
        {
            Headers = [.. Enumerable.Range(0, 150).Select(i => new KeyValuePair<string, string>($"x-many-{i}", "v"))],
        });

        AssertProblem(response, 431);
    }

    [Fact]
    public async Task A_request_target_over_the_servers_limit_is_a_414_problem()
    {
        var response = await SendAsync(new RawHttpRequest("GET", $"/{VhostPath(DefaultVhost)}/queues/{new string('a', 9000)}")
        {
            Headers = [new("Authorization", $"Bearer {fixture.Service.AdminKey}")],
        });

        AssertProblem(response, 414);
    }

    [Fact]
    public async Task A_chunked_body_that_never_comes_is_a_408_problem()
    {
        var response = await SendAsync(new RawHttpRequest("POST", $"/{QueuePath("fuzz-never")}/purge")
        {
            Headers = [new("Authorization", $"Bearer {fixture.Service.AdminKey}"), new("Transfer-Encoding", "chunked")],
        });

        AssertProblem(response, 408);
    }

    [Fact]
    public async Task A_call_without_a_body_whose_announced_body_never_comes_is_a_408_and_does_nothing()
    {
        var vhost = $"refusal-{Guid.NewGuid():N}"[..20];
        await fixture.Client.PutAsync(VhostPath(vhost), null).ExpectAsync(System.Net.HttpStatusCode.Created);

        var response = await SendAsync(new RawHttpRequest("DELETE", $"/{VhostPath(vhost)}")
        {
            Headers = [new("Authorization", $"Bearer {fixture.Service.AdminKey}"), new("Transfer-Encoding", "chunked")],
        });

        AssertProblem(response, 408);
        using var still = await fixture.Client.GetAsync($"{VhostPath(vhost)}/queues");
        Assert.Equal(System.Net.HttpStatusCode.OK, still.StatusCode);
    }

    [Fact]
    public async Task A_call_without_a_body_runs_once_the_body_it_was_sent_has_arrived()
    {
        var vhost = $"refusal-{Guid.NewGuid():N}"[..20];
        await fixture.Client.PutAsync(VhostPath(vhost), null).ExpectAsync(System.Net.HttpStatusCode.Created);

        var response = await SendAsync(new RawHttpRequest("DELETE", $"/{VhostPath(vhost)}")
        {
            Headers = [new("Authorization", $"Bearer {fixture.Service.AdminKey}")],
            Body = "ignored"u8.ToArray(),
        });

        Assert.Equal(204, response.Status);
        using var gone = await fixture.Client.GetAsync($"{VhostPath(vhost)}/queues");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task A_call_without_a_body_sent_one_over_4_MiB_is_a_413_naming_body_and_does_nothing()
    {
        var vhost = $"refusal-{Guid.NewGuid():N}"[..20];
        await fixture.Client.PutAsync(VhostPath(vhost), null).ExpectAsync(System.Net.HttpStatusCode.Created);

        var response = await SendAsync(new RawHttpRequest("DELETE", $"/{VhostPath(vhost)}")
        {
            Headers = [new("Authorization", $"Bearer {fixture.Service.AdminKey}")],
            Body = new byte[4 * 1024 * 1024 + 1],
        });

        AssertProblem(response, 413);
        using (var problem = JsonDocument.Parse(response.Body)) Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty("body", out _), response.Body);
        using var still = await fixture.Client.GetAsync($"{VhostPath(vhost)}/queues");
        Assert.Equal(System.Net.HttpStatusCode.OK, still.StatusCode);
    }

    [Theory]
    [InlineData("Authorization", "Bearer é")]
    [InlineData("x-api-key", "ключ")]
    public async Task A_non_ascii_key_is_a_401_problem_not_a_503(string header, string value)
    {
        var response = await SendAsync(new RawHttpRequest("GET", "/api/v1/vhosts") { Headers = [new(header, value)] });

        AssertProblem(response, 401);
    }

    [Fact]
    public async Task A_non_ascii_header_beside_the_admin_key_reaches_the_function()
    {
        var response = await SendAsync(new RawHttpRequest("GET", "/api/v1/vhosts")
        {
            Headers = [new("Authorization", $"Bearer {fixture.Service.AdminKey}"), new("x-note", "名前")],
        });

        Assert.Equal(200, response.Status);
    }

    private Task<RawHttpResponse> SendAsync(RawHttpRequest request) => RawHttp.SendAsync(fixture.Service.BaseAddress, request);

    private static void AssertProblem(RawHttpResponse response, int status)
    {
        Assert.True(response.Status == status, $"expected {status}, got {response.Status}: {response.Body}");
        Assert.Equal("application/problem+json", response.ContentType);
        using var problem = JsonDocument.Parse(response.Body);
        Assert.Equal(status, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Equal(JsonValueKind.String, problem.RootElement.GetProperty("title").ValueKind);
    }
}
