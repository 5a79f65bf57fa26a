namespace Serverless.Access;

/// <summary>Bound from <c>Auth:Jwt</c>: which tokens are accepted beside API keys, and what their app roles may
/// do. For Entra ID: <c>Authority = https://login.microsoftonline.com/{tenant}/v2.0</c>, <c>Audience</c> = the
/// API's application ID URI or client id; roles are the app roles defined on that app registration.</summary>
public sealed class JwtOptions
{
    /// <summary>The issuer's base address; its OpenID metadata is read from
    /// <c>{Authority}/.well-known/openid-configuration</c> unless <see cref="MetadataAddress"/> is set.</summary>
    public string Authority { get; set; } = "";

    /// <summary>Where the OpenID metadata document is, when it is not under <see cref="Authority"/>.</summary>
    public string MetadataAddress { get; set; } = "";

    /// <summary>The accepted issuer (<c>iss</c>); default: the issuer the metadata document names.</summary>
    public string Issuer { get; set; } = "";

    /// <summary>The accepted audience (<c>aud</c>). Tokens are accepted only when this is set.</summary>
    public string Audience { get; set; } = "";

    /// <summary>Only https metadata addresses. Default true; false only for a local test issuer.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>Clock skew allowed on <c>exp</c>/<c>nbf</c>, seconds. Default 60.</summary>
    public int ClockSkewSeconds { get; set; } = 60;

    /// <summary>App role → what it grants, e.g. <c>Auth:Jwt:Roles:OrdersWriter:Vhost = orders</c>,
    /// <c>...:Write = ^orders\.</c>; <c>...:Admin = true</c> makes the role an admin. A token's roles add up.</summary>
    public Dictionary<string, RoleGrantOptions> Roles { get; set; } = new(StringComparer.Ordinal);

    public bool Enabled => Audience.Length > 0;

    public string MetadataDocument =>
        MetadataAddress.Length > 0 ? MetadataAddress : Authority.TrimEnd('/') + "/.well-known/openid-configuration";
}

/// <summary>What one app role grants: admin, or RabbitMQ permissions in one vhost.</summary>
public sealed class RoleGrantOptions
{
    public bool Admin { get; set; }
    public string Vhost { get; set; } = "";
    public string Configure { get; set; } = "";
    public string Write { get; set; } = "";
    public string Read { get; set; } = "";
}
