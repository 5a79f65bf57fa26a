namespace Serverless.Access;

/// <summary>An API key as stored (and replicated): its permissions and a salted HMAC-SHA256 of its secret,
/// never the secret.</summary>
public sealed record ApiKeyRecord(string Id, string Vhost, string Configure, string Write, string Read, string Salt, string Hash, DateTimeOffset CreatedAt)
{
    public VhostGrant Grant => new(Vhost, Configure, Write, Read);

    public ApiKeyInfo Describe() => new(Id, Vhost, Configure, Write, Read, CreatedAt);
}

/// <summary>What <c>GET /api/v1/keys</c> shows of a key: no secret, no hash.</summary>
public sealed record ApiKeyInfo(string Id, string Vhost, string Configure, string Write, string Read, DateTimeOffset CreatedAt);

/// <summary>The answer to creating a key: the only time its secret is shown.</summary>
public sealed record ApiKeyCreated(string Id, string Key, string Vhost, string Configure, string Write, string Read, DateTimeOffset CreatedAt);

/// <summary><c>POST /api/v1/keys</c>: a key for one vhost with RabbitMQ permissions.</summary>
public sealed record CreateKeyRequest(string? Vhost, string? Configure, string? Write, string? Read);
