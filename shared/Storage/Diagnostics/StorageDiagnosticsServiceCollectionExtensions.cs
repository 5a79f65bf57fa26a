using Azure.Core.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Serverless.Storage.Diagnostics;

public static class StorageDiagnosticsServiceCollectionExtensions
{
    /// <summary>Registers the storage test hooks as pipeline policies of every storage client: the fault
    /// injector, then the Azure rules guard, so the guard stands where the service would, behind the network.
    /// Both pass every request through untouched unless configured (<c>Diagnostics</c>) or armed.</summary>
    public static IServiceCollection AddStorageDiagnostics(this IServiceCollection services)
    {
        services.AddOptions<DiagnosticsOptions>().BindConfiguration(DiagnosticsOptions.SectionName).ValidateOnStart();
        services.AddOptions<FaultInjectionOptions>().BindConfiguration(FaultInjectionOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<FaultInjectionOptions>, FaultInjectionOptionsValidator>();
        services.AddSingleton<FaultInjectionPolicy>();
        services.AddSingleton<HttpPipelinePolicy>(sp => sp.GetRequiredService<FaultInjectionPolicy>());
        services.AddSingleton<AzureTableRulesPolicy>();
        services.AddSingleton<HttpPipelinePolicy>(sp => sp.GetRequiredService<AzureTableRulesPolicy>());
        return services;
    }
}
