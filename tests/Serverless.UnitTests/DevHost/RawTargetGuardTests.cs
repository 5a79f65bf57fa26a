using Serverless.DevHost.Http;

namespace Serverless.UnitTests.DevHost;

public sealed class RawTargetGuardTests
{
    [Theory]
    [InlineData("/api/v1/vhosts/v/queues/..")]
    [InlineData("/api/v1/vhosts/v/queues/.")]
    [InlineData("/api/v1/vhosts/v/queues/%2E%2E")]
    [InlineData("/api/v1/vhosts/v/queues/%2e%2E")]
    [InlineData("/api/v1/vhosts/v/queues/.%2e")]
    [InlineData("/api/v1/vhosts/v/queues/%2E")]
    [InlineData("/api/./health")]
    [InlineData("/api/v1/vhosts/v/queues/%2E%2E?x=1")]
    [InlineData("http://127.0.0.1:7071/api/v1/vhosts/v/queues/..")]
    [InlineData("/api/v1/vhosts/v/queues/x%2F..")]
    [InlineData("/api/v1/vhosts/v/queues/x%5C%2E%2E")]
    public void Dot_segments_plain_or_encoded_are_refused(string rawTarget)
    {
        Assert.Contains("dot segment", RawTargetGuard.Refusal(rawTarget), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/v1/vhosts/v/queues/q%00")]
    [InlineData("/api/v1/vhosts/v/queues/%00x")]
    public void Encoded_nul_is_refused(string rawTarget)
    {
        Assert.Contains("%00", RawTargetGuard.Refusal(rawTarget), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/v1/vhosts/v/queues/a..b")]
    [InlineData("/api/v1/vhosts/v/queues/...")]
    [InlineData("/api/v1/vhosts/v/queues/.hidden")]
    [InlineData("/api/v1/vhosts/v/queues/q?path=../..")]
    [InlineData("/api/health")]
    [InlineData("/api/v1/vhosts/v/queues/%zz")]
    [InlineData("*")]
    public void Names_with_dots_inside_a_segment_and_dots_in_the_query_pass(string rawTarget)
    {
        Assert.Null(RawTargetGuard.Refusal(rawTarget));
    }
}
