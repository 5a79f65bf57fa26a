using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Serverless.Telemetry;

/// <summary>Start-up check of the <c>Telemetry</c> section: the region tag is a short name a dashboard can filter on.</summary>
public sealed partial class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options) =>
        options.Region is { } region && RegionName().IsMatch(region)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Telemetry:Region must be 1-64 letters, digits, '.', '-' or '_'; it is '{options.Region}'.");

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex RegionName();
}
