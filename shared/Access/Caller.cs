using Serverless.Errors;

namespace Serverless.Access;

/// <summary>Who made a call, once authenticated: the admin, an API key, or a token's identity, with what they
/// may do. <see cref="Name"/> identifies the caller in logs and rate limits and never holds a secret.</summary>
public sealed record Caller(string Name, bool IsAdmin, IReadOnlyList<VhostGrant> Grants)
{
    public static Caller Admin(string name) => new(name, true, []);

    /// <summary>The caller holds some permission in <paramref name="vhost"/> (lists and reads of definitions).</summary>
    public bool CanEnter(string vhost) => IsAdmin || Grants.Any(g => string.Equals(g.Vhost, vhost, StringComparison.Ordinal));

    public bool May(Permission permission, string vhost, string resource) =>
        IsAdmin || Grants.Any(g => g.Allows(permission, vhost, resource));

    /// <summary>Throws 403 unless the caller is the admin.</summary>
    public void DemandAdmin()
    {
        if (!IsAdmin) throw new ForbiddenException("This operation needs the admin key (or an admin role).");
    }

    /// <summary>Throws 403 unless the caller holds some permission in <paramref name="vhost"/>.</summary>
    public void DemandVhost(string vhost)
    {
        if (!CanEnter(vhost)) throw new ForbiddenException($"No permission in vhost '{vhost}'.");
    }

    /// <summary>Throws 403 unless the caller has <paramref name="permission"/> on <paramref name="resource"/>.</summary>
    public void Demand(Permission permission, string vhost, string resource)
    {
        if (!May(permission, vhost, resource))
        {
            throw new ForbiddenException($"No {permission.ToString().ToLowerInvariant()} permission on '{resource}' in vhost '{vhost}'.");
        }
    }

    public void Demand(AccessDemand demand) => Demand(demand.Permission, demand.Vhost, demand.Resource);

    /// <summary>Throws 403 unless the caller has every permission <paramref name="request"/> names in <paramref name="vhost"/>.</summary>
    public void DemandAll(IAccessDemands request, string vhost)
    {
        ArgumentNullException.ThrowIfNull(request);
        foreach (var demand in request.Demands(vhost)) Demand(demand);
    }
}

/// <summary>One permission a request needs on one resource.</summary>
public readonly record struct AccessDemand(Permission Permission, string Vhost, string Resource);

/// <summary>A request body whose fields name resources the caller needs permissions on (a binding's source
/// and destination, a redrive's destination). Checked by the pipeline once the body is valid.</summary>
public interface IAccessDemands
{
    IEnumerable<AccessDemand> Demands(string vhost);
}
