using System.Security.Claims;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Serverless.Errors;

namespace Serverless.Access;

/// <summary>Validates OpenID Connect bearer tokens (Microsoft Entra ID in Azure) with the issuer's published
/// signing keys — the same IdentityModel validation ASP.NET Core's JwtBearer handler runs — and maps the
/// token's app roles (<c>roles</c> claim) to grants by <see cref="JwtOptions.Roles"/>.</summary>
public sealed partial class JwtAuthenticator
{
    private readonly JwtOptions options;
    private readonly ConfigurationManager<OpenIdConnectConfiguration>? metadata;
    private readonly JsonWebTokenHandler handler = new() { MapInboundClaims = false };
    private readonly ILogger<JwtAuthenticator> logger;

    public JwtAuthenticator(IOptions<AuthOptions> auth, ILogger<JwtAuthenticator> logger)
    {
        options = auth.Value.Jwt;
        this.logger = logger;
        if (options.Enabled)
        {
            metadata = new ConfigurationManager<OpenIdConnectConfiguration>(
                options.MetadataDocument, new OpenIdConnectConfigurationRetriever(),
                new HttpDocumentRetriever { RequireHttps = options.RequireHttpsMetadata });
        }
    }

    public bool Enabled => metadata is not null;

    /// <summary>True for a compact JWS (three base64url segments): the only form of token this accepts.</summary>
    public static bool LooksLikeToken(string credential) =>
        credential.StartsWith("eyJ", StringComparison.Ordinal) && credential.Count(c => c == '.') == 2;

    /// <summary>The caller the token stands for, or null when it is not valid (expired, wrong audience or
    /// issuer, bad signature). Throws 503 when the issuer's metadata cannot be read.</summary>
    public async Task<Caller?> AuthenticateAsync(string token, CancellationToken cancellationToken = default)
    {
        if (metadata is null) return null;
        var result = await ValidateAsync(token, refresh: false, cancellationToken);
        if (result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            // The issuer may have rolled its keys since the metadata was read.
            metadata.RequestRefresh();
            result = await ValidateAsync(token, refresh: true, cancellationToken);
        }
        if (!result.IsValid)
        {
            // The reason, never the token.
            LogRejected(logger, result.Exception?.GetType().Name ?? "invalid");
            return null;
        }
        return ToCaller(result.ClaimsIdentity);
    }

    private async Task<TokenValidationResult> ValidateAsync(string token, bool refresh, CancellationToken cancellationToken)
    {
        OpenIdConnectConfiguration configuration;
        try
        {
            configuration = await metadata!.GetConfigurationAsync(cancellationToken);
        }
        catch (InvalidOperationException unreachable)
        {
            throw new UnavailableException($"The token issuer's metadata could not be read{(refresh ? " again" : "")}.", TimeSpan.FromSeconds(5), unreachable);
        }
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = options.Issuer.Length > 0 ? options.Issuer : configuration.Issuer,
            ValidAudience = options.Audience,
            IssuerSigningKeys = configuration.SigningKeys,
            ClockSkew = TimeSpan.FromSeconds(options.ClockSkewSeconds),
            RequireExpirationTime = true,
            RequireSignedTokens = true,
        };
        return await handler.ValidateTokenAsync(token, parameters);
    }

    private Caller ToCaller(ClaimsIdentity identity)
    {
        var subject = identity.FindFirst("oid")?.Value ?? identity.FindFirst("sub")?.Value ?? "unknown";
        var roles = identity.FindAll("roles").Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        var granted = options.Roles.Where(r => roles.Contains(r.Key)).Select(r => r.Value).ToList();
        var grants = granted.Where(g => !g.Admin).Select(g => new VhostGrant(g.Vhost, g.Configure, g.Write, g.Read)).ToList();
        return new Caller($"token:{subject}", granted.Any(g => g.Admin), grants);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "A bearer token was refused: {Reason}.")]
    private static partial void LogRejected(ILogger logger, string reason);
}
