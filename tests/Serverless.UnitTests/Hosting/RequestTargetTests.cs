using Serverless.Functions.Hosting;

namespace Serverless.UnitTests.Hosting;

public sealed class RequestTargetTests
{
    [Theory]
    [InlineData("/api/v1/vhosts/v/queues/..")]
    [InlineData("/api/v1/vhosts/v/queues/%2E%2E")]
    [InlineData("/api/v1/vhosts/v/queues/%2e%2e")]
    [InlineData("/api/v1/vhosts/v/queues/.%2E")]
    [InlineData("/api/v1/vhosts/v/queues/./publish")]
    [InlineData("/api/v1/vhosts/v/queues/%2E/publish")]
    [InlineData("/api/v1/vhosts/v/queues/../queues/q")]
    [InlineData("/api/v1/vhosts/v/queues/..?ifEmpty=true")]
    [InlineData("http://127.0.0.1:7071/api/v1/vhosts/v/queues/%2E%2E")]
    public void Dot_segments_are_found_plain_or_percent_encoded(string rawTarget)
    {
        Assert.True(RequestTarget.HasDotSegment(rawTarget));
    }

    [Theory]
    [InlineData("/api/v1/vhosts/v/queues/orders.eu")]
    [InlineData("/api/v1/vhosts/v/queues/orders..eu")]
    [InlineData("/api/v1/vhosts/v/queues/...")]
    [InlineData("/api/v1/vhosts/v/queues/q/messages?state=..")]
    [InlineData("/api/health")]
    [InlineData("")]
    [InlineData(null)]
    public void Names_with_dots_and_dots_in_the_query_are_not_dot_segments(string? rawTarget)
    {
        Assert.False(RequestTarget.HasDotSegment(rawTarget));
    }
}
