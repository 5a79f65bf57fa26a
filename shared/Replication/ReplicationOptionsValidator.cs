using Microsoft.Extensions.Options;

namespace Serverless.Replication;

/// <summary>Start-up check of the <c>Replication</c> section, naming each configuration key that is out of range.</summary>
public sealed class ReplicationOptionsValidator : IValidateOptions<ReplicationOptions>
{
    public ValidateOptionsResult Validate(string? name, ReplicationOptions options)
    {
        var failures = new List<string>();
        if (options.SyncGraceSeconds is < 0 or > 3600) failures.Add($"Replication:SyncGraceSeconds must be between 0 and 3600; it is {options.SyncGraceSeconds}.");
        if (options.SweepAfterSeconds is < 1 or > 3600) failures.Add($"Replication:SweepAfterSeconds must be between 1 and 3600; it is {options.SweepAfterSeconds}.");
        if (options.CleanOutboxEvery < TimeSpan.FromMilliseconds(100) || options.CleanOutboxEvery > TimeSpan.FromHours(1))
            failures.Add($"Replication:CleanOutboxEvery must be between 00:00:00.1 and 01:00:00; it is {options.CleanOutboxEvery:c}.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
