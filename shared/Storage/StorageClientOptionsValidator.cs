using Microsoft.Extensions.Options;
using Serverless.Hosting;

namespace Serverless.Storage;

/// <summary>Start-up check of the <c>Storage</c> section, naming each configuration key that is out of range.</summary>
public sealed class StorageClientOptionsValidator : IValidateOptions<StorageClientOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageClientOptions options)
    {
        var failures = new List<string>();
        EngineOptionsValidator.Within(failures, "Storage:ConnectTimeout", options.ConnectTimeout, TimeSpan.FromMilliseconds(50), TimeSpan.FromMinutes(1));
        EngineOptionsValidator.Within(failures, "Storage:NetworkTimeout", options.NetworkTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5));
        EngineOptionsValidator.Within(failures, "Storage:RetryDelay", options.RetryDelay, TimeSpan.Zero, TimeSpan.FromSeconds(30));
        if (options.MaxRetries is < 0 or > 10) failures.Add($"Storage:MaxRetries must be between 0 and 10; it is {options.MaxRetries}.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
