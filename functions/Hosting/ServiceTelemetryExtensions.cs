using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using Serverless.Telemetry;

namespace Serverless.Functions.Hosting;

public static class ServiceTelemetryExtensions
{
    /// <summary>The setting that names the Application Insights resource; the Functions platform sets it when one is linked.</summary>
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>OpenTelemetry for the worker: the Functions defaults (resource attributes, the host told that the worker
    /// exports its own telemetry), the service's meter <c>Serverless</c>, log records with their scopes (so each carries
    /// its invocation id: see <see cref="InvocationLogScopeMiddleware"/>), and the Azure Monitor exporter only when
    /// <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set. Call before <c>UseApiPipeline</c>: the invocation's log scope
    /// must enclose every other middleware.</summary>
    public static FunctionsApplicationBuilder UseServiceTelemetry(this FunctionsApplicationBuilder builder)
    {
        var telemetry = builder.Services.AddOpenTelemetry()
            .UseFunctionsWorkerDefaults()
            .WithMetrics(metrics => metrics.AddMeter(ServiceMetrics.MeterName));
        builder.Services.Configure<OpenTelemetryLoggerOptions>(logs => logs.IncludeScopes = true);
        if (!string.IsNullOrEmpty(builder.Configuration[ConnectionStringSetting])) telemetry.UseAzureMonitorExporter();
        builder.UseMiddleware<InvocationLogScopeMiddleware>();
        return builder;
    }
}
