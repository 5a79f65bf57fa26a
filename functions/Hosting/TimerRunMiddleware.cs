using System.Diagnostics;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker.Middleware;
using Serverless.Errors;
using Serverless.Json;

namespace Serverless.Functions.Hosting;

/// <summary>Wraps every timer invocation: logs what the run did (the function's return value) and how long it
/// took; a failure is logged and the next occurrence tries again, nothing is thrown back to the host.</summary>
public sealed class TimerRunMiddleware(ILogger<TimerRunMiddleware> logger) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        var name = context.FunctionDefinition.Name;
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
            var result = JsonSerializer.Serialize(context.GetInvocationResult().Value, ApiJson.Options);
            logger.LogInformation("{Function} ran in {Milliseconds:F0} ms: {Result}", name, Stopwatch.GetElapsedTime(started).TotalMilliseconds, result);
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            logger.LogInformation("{Function} was cancelled (the worker is stopping).", name);
        }
        catch (UnavailableException unavailable)
        {
            // Expected while a region is down: one line per run, not a stack trace every few seconds.
            logger.LogWarning("{Function} could not run: {Reason} It runs again at its next occurrence.", name, unavailable.Message);
        }
        catch (Exception exception)
        {
            logger.LogError(exception, "{Function} failed after {Milliseconds:F0} ms; it runs again at its next occurrence.", name, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }
}
