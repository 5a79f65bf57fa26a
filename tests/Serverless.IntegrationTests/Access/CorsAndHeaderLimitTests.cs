using System.Net;
using Serverless.IntegrationTests.Functions;

namespace Serverless.IntegrationTests.Access;

/// <summary>Browser apps on an allowed origin (<c>Cors:AllowedOrigins</c>) get CORS answers, others none; oversize
/// headers are a 431 naming the header.</summary>
[Collection(AccessCollection.Name)]
public sealed class CorsAndHeaderLimitTests(AccessServiceFixture fixture)
{
    private const string Origin = AccessServiceFixture.BrowserOrigin;

    [Fact]
    public async Task A_preflight_from_an_allowed_origin_is_answered_for_the_apis_methods_and_headers()
    {
        using var anonymous = fixture.Anonymous();
        using var preflight = Preflight($"api/v1/vhosts/{AccessServiceFixture.Vhost}/queues/m-q/publish", Origin, "POST", "authorization,content-type");

        using var response = await anonymous.SendAsync(preflight);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(Origin, Header(response, "Access-Control-Allow-Origin"));
        Assert.Contains("POST", Header(response, "Access-Control-Allow-Methods"), StringComparison.Ordinal);
        Assert.Contains("authorization", Header(response, "Access-Control-Allow-Headers")!.ToLowerInvariant(), StringComparison.Ordinal);
        Assert.Equal("600", Header(response, "Access-Control-Max-Age"));
    }

    [Fact]
    public async Task A_preflight_from_another_origin_gets_no_cors_headers()
    {
        using var anonymous = fixture.Anonymous();
        using var preflight = Preflight("api/v1/vhosts", "https://evil.example.test", "GET", "authorization");

        using var response = await anonymous.SendAsync(preflight);

        Assert.Null(Header(response, "Access-Control-Allow-Origin"));
        Assert.Null(Header(response, "Access-Control-Allow-Methods"));
    }

    [Fact]
    public async Task Answers_to_an_allowed_origin_carry_cors_headers_even_refusals_so_the_app_can_read_them()
    {
        using var anonymous = fixture.Anonymous();
        foreach (var authorized in new[] { true, false })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/vhosts");
            request.Headers.Add("Origin", Origin);
            if (authorized) request.Headers.Authorization = new("Bearer", fixture.Service.AdminKey);

            using var response = await anonymous.SendAsync(request);

            Assert.Equal(authorized ? HttpStatusCode.OK : HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal(Origin, Header(response, "Access-Control-Allow-Origin"));
            Assert.Contains("Retry-After", Header(response, "Access-Control-Expose-Headers"), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_header_over_8_KiB_or_headers_over_16_KiB_together_are_a_431_naming_them()
    {
        using var big = new HttpRequestMessage(HttpMethod.Get, "api/v1/vhosts");
        big.Headers.Add("x-trace", new string('a', 9 * 1024));
        using (var response = await fixture.Admin.SendAsync(big))
        {
            await response.ExpectProblemAsync((HttpStatusCode)431, "x-trace");
        }

        using var many = new HttpRequestMessage(HttpMethod.Get, "api/v1/vhosts");
        for (var i = 0; i < 5; i++) many.Headers.Add($"x-part-{i}", new string('b', 4 * 1024));
        using (var response = await fixture.Admin.SendAsync(many))
        {
            await response.ExpectProblemAsync((HttpStatusCode)431, "headers");
        }

        using var fine = new HttpRequestMessage(HttpMethod.Get, "api/v1/vhosts");
        fine.Headers.Add("x-trace", new string('a', 7 * 1024));
        using (var response = await fixture.Admin.SendAsync(fine)) Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static HttpRequestMessage Preflight(string path, string origin, string method, string headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", headers);
        return request;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values)
        : response.Content.Headers.TryGetValues(name, out var content) ? string.Join(",", content) : null;
}
