using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Serverless.Storage;
using Serverless.Telemetry;

namespace Serverless.Hosting;

public static class TelemetryServiceCollectionExtensions
{
    /// <summary>Registers the engine's metrics (<see cref="ServiceMetrics"/>, meter <c>Serverless</c>) and the depth sampler;
    /// the <c>Telemetry</c> section is validated at start-up. Exporting them is the host's business (OpenTelemetry in the
    /// function app); without a listener the instruments cost next to nothing.</summary>
    public static IServiceCollection AddServiceMetrics(this IServiceCollection services)
    {
        services.AddMetrics();
        services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.SectionName)
            .PostConfigure<IConfiguration>((telemetry, configuration) =>
            {
                if (!string.IsNullOrEmpty(telemetry.Region)) return;
                var primary = configuration[$"{RegionsOptions.SectionName}:{nameof(RegionsOptions.Primary)}:{nameof(RegionOptions.Name)}"];
                telemetry.Region = string.IsNullOrWhiteSpace(primary) ? "local" : primary;
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<TelemetryOptions>, TelemetryOptionsValidator>();
        services.AddSingleton<ServiceMetrics>();
        services.AddSingleton<QueueSampler>();
        return services;
    }
}
