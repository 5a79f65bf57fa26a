namespace Serverless.Access;

/// <summary>Bound from the <c>Auth</c> configuration section.</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>The admin key: may do everything. Required; at least 16 characters (<see cref="AuthOptionsValidator"/>).</summary>
    public string AdminKey { get; set; } = "";

    /// <summary>How long an instance trusts what it read of an API key (found, or not found) before reading it
    /// again: a key revoked through another instance stops working there within this bound. The instance that
    /// revokes forgets the key at once. Default 5; 0-60.</summary>
    public int KeyCacheSeconds { get; set; } = 5;

    /// <summary>Microsoft Entra ID (or any OpenID Connect issuer) bearer tokens; off while
    /// <see cref="JwtOptions.Audience"/> is empty.</summary>
    public JwtOptions Jwt { get; set; } = new();

    public TimeSpan KeyCacheTtl => TimeSpan.FromSeconds(KeyCacheSeconds);
}
