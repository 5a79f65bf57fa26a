using System.Text.Json;
using FluentValidation;

namespace Serverless.Validation;

/// <summary>
/// Free-form JSON values (header values, binding arguments) are stored as sent and handed back as
/// stored, so a value that cannot survive that is refused instead of silently altered: text with
/// invalid UTF-8 or a lone surrogate (the serializer would write U+FFFD instead) and numbers beyond
/// the range of a double (a consumer would read infinity).
/// </summary>
public static class StorableJson
{
    public const string InvalidText = "must be valid UTF-8 text: no invalid byte sequence or lone surrogate";
    public const string NumberOutOfRange = "must be a number within the range of a double (about ±1.8e308)";

    /// <summary>Why <paramref name="value"/> (and everything nested in it) cannot be stored as sent, or null when it can.</summary>
    public static string? ProblemOf(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => TryGetString(value, out _) ? null : InvalidText,
        JsonValueKind.Number => value.TryGetDouble(out var number) && double.IsFinite(number) ? null : NumberOutOfRange,
        JsonValueKind.Array => value.EnumerateArray().Select(ProblemOf).FirstOrDefault(problem => problem is not null),
        JsonValueKind.Object => ProblemOfObject(value),
        _ => null,
    };

    /// <summary>The string value, or false when it is not readable as text (invalid UTF-8, a lone surrogate).</summary>
    public static bool TryGetString(JsonElement value, out string? text)
    {
        try
        {
            text = value.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            // The reader refuses to transcode what is not well-formed: that is the check.
            text = null;
            return false;
        }
    }

    /// <summary>Adds a failure named <c>{field}.{name}</c> for each value of <paramref name="values"/> that cannot be stored as sent.</summary>
    public static void Check<T>(IReadOnlyDictionary<string, JsonElement>? values, string field, ValidationContext<T> context)
    {
        if (values is null) return;
        foreach (var (name, value) in values)
        {
            if (ProblemOf(value) is { } problem) context.AddFailure($"{field}.{name}", problem);
        }
    }

    private static string? ProblemOfObject(JsonElement value)
    {
        foreach (var property in value.EnumerateObject())
        {
            if (!IsReadableName(property)) return InvalidText;
            if (ProblemOf(property.Value) is { } problem) return problem;
        }
        return null;
    }

    private static bool IsReadableName(JsonProperty property)
    {
        try
        {
            _ = property.Name;
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
