using Microsoft.Extensions.Options;
using Serverless.Storage;

namespace Serverless.Hosting;

/// <summary>Start-up check of the <c>Regions</c> section: both regions, each with a name and a store.</summary>
public sealed class RegionsOptionsValidator : IValidateOptions<RegionsOptions>
{
    public ValidateOptionsResult Validate(string? name, RegionsOptions options)
    {
        var failures = new List<string>();
        foreach (var (label, region) in new[] { ("Primary", options.Primary), ("Secondary", options.Secondary) })
        {
            if (string.IsNullOrWhiteSpace(region.Name)) failures.Add($"Regions:{label}:Name is required.");
            if (string.IsNullOrWhiteSpace(region.ConnectionString) && region.TableServiceUri is null)
                failures.Add($"Regions:{label}: set ConnectionString, or TableServiceUri and QueueServiceUri for managed identity.");
        }
        if (!string.IsNullOrWhiteSpace(options.Primary.Name) && options.Primary.Name == options.Secondary.Name)
            failures.Add("Regions:Primary:Name and Regions:Secondary:Name must differ.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
