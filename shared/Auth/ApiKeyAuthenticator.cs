using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Serverless.Errors;

namespace Serverless.Auth;

/// <summary>Checks the key of a call: <c>Authorization: Bearer &lt;key&gt;</c> or <c>x-api-key: &lt;key&gt;</c>.</summary>
public sealed class ApiKeyAuthenticator(IOptions<AuthOptions> options)
{
    private readonly byte[] adminKeyHash = SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.AdminKey));

    /// <summary>Returns normally for the admin key; throws <see cref="UnauthorizedException"/> otherwise.</summary>
    public void Authenticate(string? authorization, string? apiKey)
    {
        var key = apiKey;
        if (string.IsNullOrEmpty(key) && authorization is { } header && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            key = header["Bearer ".Length..].Trim();
        }
        if (string.IsNullOrEmpty(key)) throw new UnauthorizedException("An API key is required: Authorization: Bearer <key> or x-api-key: <key>.");
        // Compare hashes in constant time so the comparison leaks neither the key nor its length.
        if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(key)), adminKeyHash))
        {
            throw new UnauthorizedException("The API key is not known.");
        }
    }
}
