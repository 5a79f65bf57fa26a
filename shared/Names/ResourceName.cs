using System.Text.RegularExpressions;

namespace Serverless.Names;

/// <summary>Names of vhosts, queues, exchanges and policies: 1-128 of <c>A-Z a-z 0-9 . _ -</c>,
/// starting with a letter or digit (API.md, Conventions).</summary>
public static partial class ResourceName
{
    public const int MaxLength = 128;
    public const string Rule = "must be 1-128 characters of A-Z a-z 0-9 . _ - starting with a letter or digit";

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex Pattern();

    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    /// <summary>Names starting with <c>amq.</c> belong to the built-in exchanges.</summary>
    public static bool IsReserved(string name) => name.StartsWith("amq.", StringComparison.Ordinal);
}
