using Serverless.Access;

namespace Serverless.UnitTests.Access;

public sealed class ApiKeySecretTests
{
    [Fact]
    public void A_new_key_verifies_against_what_is_stored_and_what_is_stored_does_not_hold_the_secret()
    {
        var (id, key, salt, hash) = ApiKeySecret.Create();
        var record = new ApiKeyRecord(id, "v", ".*", ".*", ".*", salt, hash, DateTimeOffset.UnixEpoch);

        Assert.True(ApiKeySecret.TryParse(key, out var parsedId, out var secret));
        Assert.Equal(id, parsedId);
        Assert.True(ApiKeySecret.Verify(record, secret));
        Assert.DoesNotContain(secret, record.ToString(), StringComparison.Ordinal);
        Assert.True(secret.Length >= 43, "256 random bits");
    }

    [Fact]
    public void A_changed_secret_or_another_keys_record_does_not_verify()
    {
        var (id, key, salt, hash) = ApiKeySecret.Create();
        var other = ApiKeySecret.Create();
        ApiKeySecret.TryParse(key, out _, out var secret);

        Assert.False(ApiKeySecret.Verify(new ApiKeyRecord(id, "v", "", "", "", salt, hash, default), secret[..^1] + (secret[^1] == 'A' ? 'B' : 'A')));
        Assert.False(ApiKeySecret.Verify(new ApiKeyRecord(id, "v", "", "", "", other.Salt, other.Hash, default), secret));
        Assert.False(ApiKeySecret.Verify(new ApiKeyRecord(id, "v", "", "", "", "not base64!", hash, default), secret));
    }

    [Fact]
    public void Two_keys_never_share_an_id_a_secret_or_a_salt()
    {
        var keys = Enumerable.Range(0, 1000).Select(_ => ApiKeySecret.Create()).ToList();
        Assert.Equal(1000, keys.Select(k => k.Id).Distinct().Count());
        Assert.Equal(1000, keys.Select(k => k.Key).Distinct().Count());
        Assert.Equal(1000, keys.Select(k => k.Salt).Distinct().Count());
    }

    [Theory]
    [InlineData("")]
    [InlineData("no-dot-at-all")]
    [InlineData("0123456789abcdef0123.")] // id, no secret
    [InlineData("0123456789ABCDEF0123.secret")] // upper-case id: never one of ours
    [InlineData("short.secret")]
    [InlineData("an admin key with spaces")]
    public void Anything_not_shaped_like_a_key_is_not_one(string presented) =>
        Assert.False(ApiKeySecret.TryParse(presented, out _, out _));
}
