using Microsoft.Extensions.Options;

namespace Serverless.Storage.Diagnostics;

/// <summary>Start-up check of <c>Diagnostics:Faults</c>: a mistyped fault must stop the test at once,
/// not let it pass without the fault it meant to inject.</summary>
public sealed class FaultInjectionOptionsValidator : IValidateOptions<FaultInjectionOptions>
{
    public ValidateOptionsResult Validate(string? name, FaultInjectionOptions options)
    {
        var failures = new List<string>();
        if (!FaultInjectionOptions.TryParseNumbers(options.FailTransactionNumbers, out _))
            failures.Add($"{FaultInjectionOptions.SectionName}:{nameof(options.FailTransactionNumbers)} must list transaction numbers from 1, e.g. 3,5.");
        if (!FaultInjectionOptions.TryParseNumbers(options.TimeoutAfterCommitTransactionNumbers, out _))
            failures.Add($"{FaultInjectionOptions.SectionName}:{nameof(options.TimeoutAfterCommitTransactionNumbers)} must list transaction numbers from 1, e.g. 2.");
        if (!FaultInjectionOptions.TryParseEndpoints(options.HangEndpoints, out _))
            failures.Add($"{FaultInjectionOptions.SectionName}:{nameof(options.HangEndpoints)} must list absolute http(s) URIs, e.g. http://127.0.0.1:10002.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
