using System.Text;
using System.Text.Json;
using Serverless.DevHost.Http;

namespace Serverless.UnitTests.DevHost;

public sealed class BareBadRequestRewriterTests
{
    private const string KestrelBadRequest =
        "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\nDate: Mon, 30 Nov 2026 18:00:47 GMT\r\nServer: Kestrel\r\n\r\n";

    [Fact]
    public void Kestrels_bare_400_gets_a_problem_body_with_its_length()
    {
        var rewritten = Encoding.UTF8.GetString(BareBadRequestRewriter.Rewrite(Encoding.ASCII.GetBytes(KestrelBadRequest))!);

        var headerEnd = rewritten.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var headers = rewritten[..headerEnd];
        var body = rewritten[(headerEnd + 4)..];
        Assert.StartsWith("HTTP/1.1 400 Bad Request\r\n", headers, StringComparison.Ordinal);
        Assert.Contains("\r\nContent-Type: application/problem+json\r\n", headers + "\r\n", StringComparison.Ordinal);
        Assert.Contains($"\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\n", headers + "\r\n", StringComparison.Ordinal);
        Assert.Contains("\r\nConnection: close", headers, StringComparison.Ordinal);
        Assert.DoesNotContain("Content-Length: 0", headers, StringComparison.Ordinal);
        using var problem = JsonDocument.Parse(body);
        Assert.Equal(400, problem.RootElement.GetProperty("status").GetInt32());
    }

    [Theory]
    [InlineData("HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\nConnection: close\r\nDate: Tue, 01 Dec 2026 03:29:40 GMT\r\nServer: Kestrel\r\n\r\n", 408)]
    [InlineData("HTTP/1.1 414 URI Too Long\r\nContent-Length: 0\r\nConnection: close\r\nDate: Tue, 01 Dec 2026 02:57:14 GMT\r\nServer: Kestrel\r\n\r\n", 414)]
    [InlineData("HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: 0\r\nConnection: close\r\nDate: Tue, 01 Dec 2026 02:57:14 GMT\r\nServer: Kestrel\r\n\r\n", 431)]
    public void Kestrels_bare_408_414_and_431_get_a_problem_body_with_their_status(string response, int status)
    {
        var rewritten = Encoding.UTF8.GetString(BareBadRequestRewriter.Rewrite(Encoding.ASCII.GetBytes(response))!);

        var headerEnd = rewritten.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var body = rewritten[(headerEnd + 4)..];
        Assert.StartsWith(response[..response.IndexOf("\r\n", StringComparison.Ordinal)], rewritten, StringComparison.Ordinal);
        Assert.Contains("\r\nContent-Type: application/problem+json\r\n", rewritten[..headerEnd] + "\r\n", StringComparison.Ordinal);
        Assert.Contains($"\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\n", rewritten[..headerEnd] + "\r\n", StringComparison.Ordinal);
        using var problem = JsonDocument.Parse(body);
        Assert.Equal(status, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Equal(JsonValueKind.String, problem.RootElement.GetProperty("title").ValueKind);
    }

    [Theory]
    [InlineData("HTTP/1.1 400 Bad Request\r\nContent-Type: application/problem+json\r\nContent-Length: 10\r\n\r\n")]
    [InlineData("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nDate: x\r\n\r\n")]
    [InlineData("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")]
    [InlineData("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n{\"already\":\"a body\"}")]
    [InlineData("{\"status\":400}")]
    public void Anything_else_passes_unchanged(string response)
    {
        Assert.Null(BareBadRequestRewriter.Rewrite(Encoding.ASCII.GetBytes(response)));
    }
}
