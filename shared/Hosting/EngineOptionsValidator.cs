using Microsoft.Extensions.Options;

namespace Serverless.Hosting;

/// <summary>Start-up check of the <c>Engine</c> section, naming each configuration key that is out of range.</summary>
public sealed class EngineOptionsValidator : IValidateOptions<EngineOptions>
{
    public ValidateOptionsResult Validate(string? name, EngineOptions options)
    {
        var failures = new List<string>();
        Within(failures, "Engine:DefinitionCacheTtl", options.DefinitionCacheTtl, TimeSpan.Zero, TimeSpan.FromMinutes(1));
        Within(failures, "Engine:LongPollInterval", options.LongPollInterval, TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(10));
        if (options.ReleaseBatch is < 1 or > 10_000) failures.Add($"Engine:ReleaseBatch must be between 1 and 10000; it is {options.ReleaseBatch}.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    internal static void Within(List<string> failures, string key, TimeSpan value, TimeSpan least, TimeSpan most)
    {
        if (value < least || value > most) failures.Add($"{key} must be between {least:c} and {most:c}; it is {value:c}.");
    }
}
