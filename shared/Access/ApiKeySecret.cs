using System.Security.Cryptography;
using System.Text;

namespace Serverless.Access;

/// <summary>The form of an API key: <c>{id}.{secret}</c>. The id finds the stored record in one read; the
/// secret (256 random bits) is checked against the record's salted HMAC-SHA256 in constant time. A key this
/// random needs no slow hash: guessing it is hopeless, and the stored hash cannot be reversed.</summary>
public static class ApiKeySecret
{
    private const int IdBytes = 10, SecretBytes = 32, SaltBytes = 16;

    /// <summary>A new key: its id, the whole key to hand out once, and what to store.</summary>
    public static (string Id, string Key, string Salt, string Hash) Create()
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(IdBytes));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(SecretBytes));
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        return (id, $"{id}.{secret}", Convert.ToBase64String(salt), Convert.ToBase64String(Digest(salt, secret)));
    }

    /// <summary>Splits a presented key; false when it cannot be one of ours (then it is unknown).</summary>
    public static bool TryParse(string key, out string id, out string secret)
    {
        id = secret = "";
        var dot = key.IndexOf('.');
        if (dot != IdBytes * 2 || key.Length > 200) return false;
        id = key[..dot];
        secret = key[(dot + 1)..];
        return id.All(char.IsAsciiHexDigitLower) && secret.Length > 0;
    }

    public static bool Verify(ApiKeyRecord record, string secret)
    {
        byte[] salt, stored;
        try
        {
            salt = Convert.FromBase64String(record.Salt);
            stored = Convert.FromBase64String(record.Hash);
        }
        catch (FormatException)
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(Digest(salt, secret), stored);
    }

    private static byte[] Digest(byte[] salt, string secret) => HMACSHA256.HashData(salt, Encoding.UTF8.GetBytes(secret));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
