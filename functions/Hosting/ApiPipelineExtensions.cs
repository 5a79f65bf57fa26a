using Azure.Core.Pipeline;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Serverless.Json;
using Serverless.Storage;

namespace Serverless.Functions.Hosting;

public static class ApiPipelineExtensions
{
    /// <summary>The cross-cutting HTTP concerns, once for every function, in this order: problem+json for any
    /// failure, the overall deadline, the caller (401) and its rate limit (429), request guards (dot segments,
    /// route names, 4 MiB), permissions (403), JSON body binding (and the permissions a body names). Timer runs are logged and never fail the host. Call after <c>ConfigureFunctionsWebApplication()</c>
    /// so that these run inside the ASP.NET Core integration's middleware.</summary>
    public static FunctionsApplicationBuilder UseApiPipeline(this FunctionsApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ApiOptions>, ApiOptionsValidator>();
        services.AddApiResults();

        // Benchmarks count the storage requests per message (GetStorageRequestCount); off by default.
        if (builder.Configuration.GetValue<bool>("Diagnostics:CountStorageRequests"))
        {
            services.AddSingleton<StorageRequestCounter>();
            services.AddSingleton<HttpPipelinePolicy>(sp => sp.GetRequiredService<StorageRequestCounter>());
        }

        builder.UseWhen<RequestMetricsMiddleware>(IsHttp);
        builder.UseWhen<HttpProblemMiddleware>(IsHttp);
        builder.UseWhen<RequestDeadlineMiddleware>(IsHttp);
        builder.UseWhen<AccessMiddleware>(IsHttp);
        builder.UseWhen<RequestGuardMiddleware>(IsHttp);
        builder.UseWhen<PermissionMiddleware>(IsHttp);
        builder.UseWhen<JsonBodyMiddleware>(IsHttp);
        builder.UseWhen<TimerRunMiddleware>(IsTimer);
        return builder;
    }

    /// <summary>How answers are written: JSON with the API's options (enums as camelCase strings, RFC 3339 UTC
    /// times, nulls omitted), problems through ASP.NET Core's problem details writer.</summary>
    public static IServiceCollection AddApiResults(this IServiceCollection services)
    {
        services.AddProblemDetails();
        return services.ConfigureHttpJsonOptions(json =>
        {
            foreach (var converter in ApiJson.Options.Converters) json.SerializerOptions.Converters.Add(converter);
            json.SerializerOptions.DefaultIgnoreCondition = ApiJson.Options.DefaultIgnoreCondition;
        });
    }

    private static bool IsHttp(FunctionContext context) => HasTrigger(context, "httpTrigger");

    private static bool IsTimer(FunctionContext context) => HasTrigger(context, "timerTrigger");

    private static bool HasTrigger(FunctionContext context, string type) =>
        context.FunctionDefinition.InputBindings.Values.Any(b => b.Type.Equals(type, StringComparison.OrdinalIgnoreCase));
}
