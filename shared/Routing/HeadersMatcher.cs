using System.Text.Json;

namespace Serverless.Routing;

/// <summary>
/// RabbitMQ headers-exchange matching driven by the binding's <c>x-match</c> argument:
/// <c>all</c> (the default), <c>any</c>, <c>all-with-x</c> or <c>any-with-x</c>.
/// </summary>
public static class HeadersMatcher
{
    /// <summary>The binding argument that selects the match mode.</summary>
    public const string MatchModeArgument = "x-match";

    /// <summary>
    /// Whether <paramref name="mode"/> is an accepted <c>x-match</c> value. Like RabbitMQ the
    /// comparison is case-sensitive.
    /// </summary>
    public static bool IsValidMatchMode(string? mode) => mode is "all" or "any" or "all-with-x" or "any-with-x";

    /// <summary>
    /// Whether a message with <paramref name="headers"/> matches a binding with
    /// <paramref name="bindingArguments"/>. An argument matches when a header of the same name
    /// exists with an equal JSON value; an argument whose value is JSON null matches on presence
    /// alone. Arguments starting with <c>x-</c> take part only in the <c>-with-x</c> modes.
    /// </summary>
    public static bool Matches(
        IReadOnlyDictionary<string, JsonElement>? bindingArguments,
        IReadOnlyDictionary<string, JsonElement>? headers)
    {
        var (any, withX) = ParseMode(bindingArguments);
        if (bindingArguments is null) return !any;

        foreach (var (name, expected) in bindingArguments)
        {
            if (name == MatchModeArgument) continue;
            if (!withX && name.StartsWith("x-", StringComparison.Ordinal)) continue;

            var matched = headers is not null
                && headers.TryGetValue(name, out var actual)
                && (expected.ValueKind == JsonValueKind.Null || JsonElement.DeepEquals(expected, actual));

            // Short-circuit: one hit decides "any", one miss decides "all".
            if (matched == any) return any;
        }

        // Nothing decided early: "all" saw no misses (vacuously true with no arguments) and
        // "any" saw no hits.
        return !any;
    }

    private static (bool Any, bool WithX) ParseMode(IReadOnlyDictionary<string, JsonElement>? bindingArguments)
    {
        if (bindingArguments is null
            || !bindingArguments.TryGetValue(MatchModeArgument, out var mode)
            || mode.ValueKind != JsonValueKind.String)
        {
            return (false, false);
        }

        // Unknown values are rejected when the binding is declared; should one slip through it
        // falls back to "all", as RabbitMQ does for legacy bindings it never validated.
        return mode.GetString() switch
        {
            "any" => (true, false),
            "all-with-x" => (false, true),
            "any-with-x" => (true, true),
            _ => (false, false),
        };
    }
}
