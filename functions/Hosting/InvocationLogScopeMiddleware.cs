using Microsoft.Azure.Functions.Worker.Middleware;

namespace Serverless.Functions.Hosting;

/// <summary>Puts the invocation id into the log scope of every invocation under the key the Functions host reads it from
/// (<c>AzureFunctions_InvocationId</c>). With OpenTelemetry on, the worker's own scope names it <c>faas.invocation_id</c>
/// instead, which the exported records carry but the records the worker sends to the host (RpcLog) then lack; with
/// this scope both do, so every log line of a function leads to its invocation, in Application Insights and locally.</summary>
public sealed class InvocationLogScopeMiddleware(ILogger<InvocationLogScopeMiddleware> logger) : IFunctionsWorkerMiddleware
{
    /// <summary>The scope key the Functions host and the worker's host logger read the invocation id from.</summary>
    public const string InvocationIdKey = "AzureFunctions_InvocationId";

    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        using var scope = logger.BeginScope(new Dictionary<string, object> { [InvocationIdKey] = context.InvocationId });
        await next(context);
    }
}
