using System.Net;
using System.Text.Json;
using Serverless.Testing;
using static Serverless.IntegrationTests.Functions.ApiClient;

namespace Serverless.IntegrationTests.DevHost;

/// <summary>Through devhost, a request whose raw path has a dot segment or an encoded NUL is refused with a 400
/// problem and changes nothing: the server normalises dot segments away, which once turned
/// <c>DELETE .../queues/%2E%2E</c> into a delete of the whole vhost.</summary>
[Collection(ServiceCollection.Name)]
public sealed class RawTargetTests(ServiceFixture fixture)
{
    private readonly HttpClient client = fixture.Client;

    [Theory]
    [InlineData("DELETE", "queues/%2E%2E")]
    [InlineData("DELETE", "queues/%2e%2E")]
    [InlineData("DELETE", "queues/..")]
    [InlineData("DELETE", "queues/.")]
    [InlineData("DELETE", "queues/%2E")]
    [InlineData("PUT", "queues/..")]
    [InlineData("DELETE", "queues/x/%2E%2E/%2E%2E")]
    public async Task Dot_segment_is_refused_and_the_vhost_and_its_queues_stay(string method, string tail)
    {
        var vhost = NewVhostName();
        await client.PutAsync(VhostPath(vhost), content: null).ExpectAsync(HttpStatusCode.Created);
        var queue = await client.DeclareQueueAsync(vhost: vhost);
        await client.PublishAsync(queue, new { body = "kept" }, vhost);

        var response = await SendAsync(method, $"/{VhostPath(vhost)}/{tail}");

        AssertProblem(response, "dot segment");
        var vhosts = await client.GetAsync("api/v1/vhosts").ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(vhost, vhosts.EnumerateArray().Select(v => v.Str("name")));
        Assert.Equal(1, (await client.CountsAsync(queue, vhost)).Total);
    }

    [Theory]
    [InlineData("%00")]
    [InlineData("q%00x")]
    public async Task Encoded_nul_in_the_path_is_a_400_problem(string queue)
    {
        var response = await SendAsync("GET", $"/{VhostPath(DefaultVhost)}/queues/{queue}");

        AssertProblem(response, "%00");
    }

    [Fact]
    public async Task A_queue_named_with_dots_inside_a_segment_is_not_a_dot_segment()
    {
        var queue = $"a..b.{Guid.NewGuid():N}";

        var response = await SendAsync("PUT", $"/{QueuePath(queue)}");

        Assert.Equal(201, response.Status);
    }

    private Task<RawHttpResponse> SendAsync(string method, string rawTarget) =>
        RawHttp.SendAsync(fixture.Service.BaseAddress, method, rawTarget, new Dictionary<string, string> { ["Authorization"] = $"Bearer {fixture.Service.AdminKey}" });

    private static void AssertProblem(RawHttpResponse response, string detail)
    {
        Assert.Equal(400, response.Status);
        Assert.Equal("application/problem+json", response.ContentType?.Split(';')[0]);
        using var problem = JsonDocument.Parse(response.Body);
        Assert.Equal(400, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Contains(detail, problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
