namespace Serverless.Access;

/// <summary>RabbitMQ permissions in one vhost: a <c>configure</c>, <c>write</c> and <c>read</c> regex over
/// resource names (queues, exchanges, policies).</summary>
public sealed record VhostGrant(string Vhost, string Configure, string Write, string Read)
{
    public bool Allows(Permission permission, string vhost, string resource) =>
        string.Equals(vhost, Vhost, StringComparison.Ordinal) && PermissionPattern.Matches(Pattern(permission), resource);

    public string Pattern(Permission permission) => permission switch
    {
        Permission.Configure => Configure,
        Permission.Write => Write,
        Permission.Read => Read,
        _ => throw new ArgumentOutOfRangeException(nameof(permission)),
    };
}
