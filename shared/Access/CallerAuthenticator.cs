using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Serverless.Errors;

namespace Serverless.Access;

/// <summary>Finds who a call comes from: <c>Authorization: Bearer &lt;credential&gt;</c> or
/// <c>x-api-key: &lt;key&gt;</c>, where the credential is the admin key, an API key, or (when configured) an
/// OpenID Connect token. No credential, or one that is not valid: 401.</summary>
public sealed class CallerAuthenticator(ApiKeyService keys, JwtAuthenticator tokens, IOptions<AuthOptions> options)
{
    private static readonly Caller AdminCaller = Caller.Admin("admin");
    private readonly byte[] adminKeyHash = SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.AdminKey));

    public async Task<Caller> AuthenticateAsync(string? authorization, string? apiKey, CancellationToken cancellationToken = default)
    {
        var credential = apiKey;
        if (string.IsNullOrEmpty(credential) && authorization is { } header && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            credential = header["Bearer ".Length..].Trim();
        }
        if (string.IsNullOrEmpty(credential)) throw new UnauthorizedException("An API key or token is required: Authorization: Bearer <key> or x-api-key: <key>.");
        // Compare hashes in constant time so the comparison leaks neither the key nor its length.
        if (CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(credential)), adminKeyHash)) return AdminCaller;
        var caller = tokens.Enabled && JwtAuthenticator.LooksLikeToken(credential)
            ? await tokens.AuthenticateAsync(credential, cancellationToken)
            : await keys.AuthenticateAsync(credential, cancellationToken);
        return caller ?? throw new UnauthorizedException("The API key or token is not known, revoked or expired.");
    }
}
