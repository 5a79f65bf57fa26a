using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Serverless.Access;

/// <summary>A permission regex as RabbitMQ reads it: found anywhere in the name (anchor it with <c>^...$</c> to
/// match whole names), and the empty pattern matches nothing. Matching is linear-time (no backtracking), so a
/// stored pattern cannot stall a request.</summary>
public static class PermissionPattern
{
    private const int MaxCached = 10_000;
    private static readonly ConcurrentDictionary<string, Regex> Compiled = new(StringComparer.Ordinal);

    public const int MaxLength = 1024;

    public static bool Matches(string pattern, string resource)
    {
        if (pattern.Length == 0) return false;
        return Get(pattern).IsMatch(resource);
    }

    /// <summary>Null when <paramref name="pattern"/> is a usable permission regex, else why not.</summary>
    public static string? Problem(string? pattern)
    {
        if (pattern is null) return "is required (\"\" grants nothing)";
        if (pattern.Length > MaxLength) return $"must be at most {MaxLength} characters";
        try
        {
            _ = Create(pattern);
            return null;
        }
        catch (ArgumentException invalid)
        {
            return $"is not a supported regular expression ({invalid.Message.Split('\n')[0].Trim()})";
        }
        catch (NotSupportedException unsupported)
        {
            return $"is not a supported regular expression ({unsupported.Message.Split('\n')[0].Trim()})";
        }
    }

    private static Regex Get(string pattern)
    {
        if (Compiled.TryGetValue(pattern, out var regex)) return regex;
        regex = Create(pattern);
        // Patterns come from stored keys and configuration: few. Still, never grow without bound.
        if (Compiled.Count >= MaxCached) Compiled.Clear();
        return Compiled.GetOrAdd(pattern, regex);
    }

    private static Regex Create(string pattern) =>
        new(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
}
