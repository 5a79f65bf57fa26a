namespace Serverless.Auth;

/// <summary>Bound from the <c>Auth</c> configuration section.</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>The admin key: may do everything. Required; at least 16 characters (<see cref="AuthOptionsValidator"/>).</summary>
    public string AdminKey { get; set; } = "";
}
