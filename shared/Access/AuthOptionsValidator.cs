using Microsoft.Extensions.Options;

namespace Serverless.Access;

/// <summary>Start-up check of the <c>Auth</c> section, naming the configuration key.</summary>
public sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public const int ShortestAdminKey = 16;

    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        switch (options.AdminKey)
        {
            case null or "":
                failures.Add($"Auth:AdminKey is required: set it to a secret of at least {ShortestAdminKey} characters.");
                break;
            case { Length: < ShortestAdminKey } key:
                failures.Add($"Auth:AdminKey must be at least {ShortestAdminKey} characters; it has {key.Length}.");
                break;
        }
        if (options.KeyCacheSeconds is < 0 or > 60) failures.Add($"Auth:KeyCacheSeconds must be 0-60; it is {options.KeyCacheSeconds}.");
        var jwt = options.Jwt;
        if (jwt.Enabled)
        {
            if (jwt.Authority.Length == 0 && jwt.MetadataAddress.Length == 0)
            {
                failures.Add("Auth:Jwt:Authority (or Auth:Jwt:MetadataAddress) is required when Auth:Jwt:Audience is set.");
            }
            else if (!Uri.TryCreate(jwt.MetadataDocument, UriKind.Absolute, out var metadata) || (jwt.RequireHttpsMetadata && metadata.Scheme != Uri.UriSchemeHttps))
            {
                failures.Add($"Auth:Jwt:Authority / Auth:Jwt:MetadataAddress must be an absolute {(jwt.RequireHttpsMetadata ? "https " : "")}address.");
            }
            if (jwt.ClockSkewSeconds is < 0 or > 300) failures.Add($"Auth:Jwt:ClockSkewSeconds must be 0-300; it is {jwt.ClockSkewSeconds}.");
        }
        foreach (var (role, grant) in jwt.Roles)
        {
            var key = $"Auth:Jwt:Roles:{role}";
            if (grant.Admin) continue;
            if (!Names.ResourceName.IsValid(grant.Vhost)) failures.Add($"{key}:Vhost must name a vhost (or set {key}:Admin to true).");
            foreach (var (field, pattern) in new[] { ("Configure", grant.Configure), ("Write", grant.Write), ("Read", grant.Read) })
            {
                if (PermissionPattern.Problem(pattern) is { } problem) failures.Add($"{key}:{field} {problem}.");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
