using Microsoft.Extensions.Options;

namespace Serverless.Functions.Hosting;

/// <summary>Start-up check of the <c>Api</c> section, naming the configuration key.</summary>
public sealed class ApiOptionsValidator : IValidateOptions<ApiOptions>
{
    private static readonly TimeSpan Shortest = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Longest = TimeSpan.FromMinutes(5);

    public ValidateOptionsResult Validate(string? name, ApiOptions options) =>
        options.RequestTimeout >= Shortest && options.RequestTimeout <= Longest
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Api:RequestTimeout must be between {Shortest:c} and {Longest:c}; it is {options.RequestTimeout:c}.");
}
