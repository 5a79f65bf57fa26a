using System.ComponentModel.DataAnnotations;

namespace Serverless.Auth;

/// <summary>Bound from the <c>Auth</c> configuration section.</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>The admin key: may do everything. Required; at least 16 characters.</summary>
    [Required, MinLength(16)]
    public string AdminKey { get; set; } = "";
}
