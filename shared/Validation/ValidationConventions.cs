using System.Text.Json;
using FluentValidation;

namespace Serverless.Validation;

/// <summary>Field names in validation answers are the JSON names clients send (<c>messages[3].body</c>),
/// not the C# ones (<c>Messages[3].Body</c>).</summary>
public static class ValidationConventions
{
    private static int applied;

    public static void Apply()
    {
        if (Interlocked.Exchange(ref applied, 1) == 1) return;
        ValidatorOptions.Global.PropertyNameResolver = (_, member, _) =>
            member is null ? null : JsonNamingPolicy.CamelCase.ConvertName(member.Name);
        ValidatorOptions.Global.DisplayNameResolver = (_, member, _) =>
            member is null ? null : JsonNamingPolicy.CamelCase.ConvertName(member.Name);
    }

    /// <summary>Error code of a failure that means "too large" (answered 413, not 400).</summary>
    public const string TooLarge = "TooLarge";
}
