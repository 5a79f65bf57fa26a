using Microsoft.Extensions.Options;

namespace Serverless.Failover;

/// <summary>Start-up check of the <c>Failover</c> section, naming each configuration key that is out of range.</summary>
public sealed class FailoverOptionsValidator : IValidateOptions<FailoverOptions>
{
    public ValidateOptionsResult Validate(string? name, FailoverOptions options)
    {
        var failures = new List<string>();
        if (options.ProbeIntervalSeconds is < 1 or > 3600) failures.Add($"Failover:ProbeIntervalSeconds must be between 1 and 3600; it is {options.ProbeIntervalSeconds}.");
        if (options.FailureThreshold is < 1 or > 100) failures.Add($"Failover:FailureThreshold must be between 1 and 100; it is {options.FailureThreshold}.");
        if (options.Promote is not (AutoFailoverSettings.WhenSynced or AutoFailoverSettings.Always)) failures.Add($"Failover:Promote must be whenSynced or always; it is '{options.Promote}'.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
