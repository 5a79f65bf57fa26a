using Microsoft.Extensions.Options;

namespace Serverless.Access;

/// <summary>Start-up check of the <c>RateLimits</c> section, naming the configuration key.</summary>
public sealed class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, RateLimitOptions options)
    {
        var failures = new List<string>();
        if (options.RequestsPerSecondPerKey is < 0 or > 1_000_000 || double.IsNaN(options.RequestsPerSecondPerKey))
            failures.Add($"RateLimits:RequestsPerSecondPerKey must be 0 (off) to 1000000; it is {options.RequestsPerSecondPerKey}.");
        if (options.RequestBurstPerKey is < 0 or > 1_000_000)
            failures.Add($"RateLimits:RequestBurstPerKey must be 0 (one second's worth) to 1000000; it is {options.RequestBurstPerKey}.");
        if (options.PublishesPerSecondPerQueue is < 0 or > 1_000_000 || double.IsNaN(options.PublishesPerSecondPerQueue))
            failures.Add($"RateLimits:PublishesPerSecondPerQueue must be 0 (off) to 1000000; it is {options.PublishesPerSecondPerQueue}.");
        if (options.PublishBurstPerQueue is < 0 or > 1_000_000)
            failures.Add($"RateLimits:PublishBurstPerQueue must be 0 (one second's worth) to 1000000; it is {options.PublishBurstPerQueue}.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
