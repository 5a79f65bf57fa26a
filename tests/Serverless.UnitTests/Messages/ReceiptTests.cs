using CsCheck;
using Serverless.Messages;

namespace Serverless.UnitTests.Messages;

public class ReceiptTests
{
    [Fact]
    public void Receipt_round_trips_shard_and_lease_token()
    {
        var token = new LeaseToken("0639310405018616799abcdef", 3, 639310405018616799, "nl1SK-hPC8Er");
        Assert.True(Receipt.TryDecode(Receipt.Encode(7, token), out var shard, out var decoded));
        Assert.Equal(7, shard);
        Assert.Equal(token, decoded);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not base64 !")]
    [InlineData("MHw5fDYzOTMxMDQwNTAxODYxNjc5OQ")] // valid base64url, too few parts
    [InlineData("MTd8OXwxfGFiY3wx")] // shard 17
    public void Malformed_receipts_do_not_decode(string receipt) =>
        Assert.False(Receipt.TryDecode(receipt, out _, out _));

    [Fact]
    public void Arbitrary_strings_never_throw_when_decoded() =>
        Gen.String.Sample(s => { Receipt.TryDecode(s, out _, out _); });
}
