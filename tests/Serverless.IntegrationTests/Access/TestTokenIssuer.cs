using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Serverless.IntegrationTests.Access;

/// <summary>A local OpenID Connect issuer, standing in for Microsoft Entra ID: it serves the metadata document
/// and the signing keys (JWKS) on a loopback port and signs tokens with its own RSA key, shaped like Entra's
/// (<c>iss</c>, <c>aud</c>, <c>oid</c>, <c>roles</c>, <c>exp</c>).</summary>
public sealed class TestTokenIssuer : IAsyncDisposable
{
    private readonly RsaSecurityKey signingKey = NewKey("issuer-key");
    private WebApplication app = null!;

    /// <summary>e.g. <c>http://127.0.0.1:41234/tenant/v2.0</c>.</summary>
    public string Issuer { get; private set; } = "";

    public string MetadataAddress => Issuer + "/.well-known/openid-configuration";

    public static async Task<TestTokenIssuer> StartAsync()
    {
        var issuer = new TestTokenIssuer();
        (issuer.app, var address) = await LoopbackWebApp.StartAsync(app =>
        {
            app.MapGet("/tenant/v2.0/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
            {
                ["issuer"] = issuer.Issuer,
                ["jwks_uri"] = issuer.Issuer + "/keys",
                ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            }));
            app.MapGet("/tenant/v2.0/keys", () =>
            {
                var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(issuer.signingKey);
                return Results.Json(new { keys = new[] { new { kty = "RSA", use = "sig", kid = jwk.Kid, n = jwk.N, e = jwk.E, alg = "RS256" } } });
            });
        });
        issuer.Issuer = address.ToString().TrimEnd('/') + "/tenant/v2.0";
        return issuer;
    }

    /// <summary>A token for <paramref name="audience"/> with <paramref name="roles"/>, valid until
    /// <paramref name="expires"/> (default: in an hour). <paramref name="foreignKey"/>: signed by a key the
    /// metadata does not publish.</summary>
    public string Issue(string audience, IEnumerable<string> roles, DateTimeOffset? expires = null, bool foreignKey = false)
    {
        var until = expires ?? DateTimeOffset.UtcNow.AddHours(1);
        var claims = new List<Claim> { new("oid", Guid.NewGuid().ToString()), new("sub", "test-subject") };
        claims.AddRange(roles.Select(r => new Claim("roles", r)));
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = until.AddHours(-2).UtcDateTime,
            NotBefore = until.AddHours(-2).UtcDateTime,
            Expires = until.UtcDateTime,
            SigningCredentials = new SigningCredentials(foreignKey ? NewKey("issuer-key") : signingKey, SecurityAlgorithms.RsaSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    private static RsaSecurityKey NewKey(string kid) => new(RSA.Create(2048)) { KeyId = kid };
}
