namespace Serverless.Telemetry;

/// <summary>What the service's metrics say about where they come from. Bound from the <c>Telemetry</c> configuration
/// section.</summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Telemetry";

    /// <summary>The <c>region</c> tag every measurement carries, so that a dashboard shows each region's instances apart.
    /// Default: the primary region's name (<c>Regions:Primary:Name</c>), else <c>local</c>. In Azure, where both apps are
    /// configured with the same primary, set it per app (<c>Telemetry__Region</c>) to the region the app runs in.</summary>
    public string? Region { get; set; }
}
