using Serverless.Access;

namespace Serverless.Functions.Hosting;

/// <summary>Who may call an HTTP function (API.md, Authentication and permissions). Every <c>/api/v1</c>
/// function declares at least one; the pipeline checks them all before the function runs, so a function that
/// forgot cannot be reached (<see cref="HttpFunction"/> refuses to load without).</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public sealed class AccessAttribute : Attribute
{
    /// <summary>Admin only, or any caller with a permission in the route's vhost.</summary>
    public AccessAttribute(AccessLevel level) => Level = level;

    /// <summary>A permission on the resource named by the route parameter <paramref name="resourceParameter"/>
    /// in the route's vhost.</summary>
    public AccessAttribute(Permission permission, string resourceParameter)
    {
        Level = AccessLevel.Permission;
        Permission = permission;
        ResourceParameter = resourceParameter;
    }

    public AccessLevel Level { get; }
    public Permission Permission { get; }
    public string? ResourceParameter { get; }

    /// <summary>How the OpenAPI document says it.</summary>
    public string Describe() => Level switch
    {
        AccessLevel.Admin => "the admin key (or an admin role)",
        AccessLevel.Vhost => "any permission in the vhost",
        _ => $"{Permission.ToString().ToLowerInvariant()} on `{{{ResourceParameter}}}`",
    };
}

public enum AccessLevel
{
    /// <summary>The admin key, or a token with an admin role.</summary>
    Admin,

    /// <summary>Any grant in the route's <c>{vhost}</c>: reading definitions.</summary>
    Vhost,

    /// <summary>A RabbitMQ permission on a named resource.</summary>
    Permission,
}
