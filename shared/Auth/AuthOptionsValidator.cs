using Microsoft.Extensions.Options;

namespace Serverless.Auth;

/// <summary>Start-up check of the <c>Auth</c> section, naming the configuration key.</summary>
public sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public const int ShortestAdminKey = 16;

    public ValidateOptionsResult Validate(string? name, AuthOptions options) => options.AdminKey switch
    {
        null or "" => ValidateOptionsResult.Fail($"Auth:AdminKey is required: set it to a secret of at least {ShortestAdminKey} characters."),
        { Length: < ShortestAdminKey } key => ValidateOptionsResult.Fail($"Auth:AdminKey must be at least {ShortestAdminKey} characters; it has {key.Length}."),
        _ => ValidateOptionsResult.Success,
    };
}
