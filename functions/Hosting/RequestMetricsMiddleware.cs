using System.Diagnostics;
using Microsoft.Azure.Functions.Worker.Middleware;
using Serverless.Telemetry;

namespace Serverless.Functions.Hosting;

/// <summary>The outermost step of every HTTP invocation: records <c>serverless.request.duration</c> once, with the
/// function's name and the status the client gets. The answer is written by the ASP.NET Core integration after the
/// worker's middleware has run, so the status is read from the result the function (or <see cref="HttpProblemMiddleware"/>)
/// left; an exception that escapes anyway is a 500.</summary>
public sealed class RequestMetricsMiddleware(ServiceMetrics metrics) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        var started = Stopwatch.GetTimestamp();
        var status = StatusCodes.Status500InternalServerError;
        try
        {
            await next(context);
            status = StatusOf(context);
        }
        finally
        {
            metrics.RequestCompleted(context.FunctionDefinition.Name, status, Stopwatch.GetElapsedTime(started));
        }
    }

    internal static int StatusOf(FunctionContext context) => context.GetInvocationResult().Value switch
    {
        IStatusCodeHttpResult { StatusCode: int status } => status,
        IResult => StatusCodes.Status200OK, // a result without a status of its own is written as 200
        _ => context.GetHttpContext()?.Response.StatusCode ?? StatusCodes.Status200OK,
    };
}
