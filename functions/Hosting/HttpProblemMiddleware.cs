using Microsoft.Azure.Functions.Worker.Middleware;
using Serverless.Errors;
using Serverless.Messages;

namespace Serverless.Functions.Hosting;

/// <summary>The outermost step of every HTTP invocation: an exception becomes the problem+json answer of
/// <see cref="ProblemMapping"/> (the ASP.NET Core integration writes it), so nothing a client sends is a 500
/// without a body, and unexpected failures are logged once here.</summary>
public sealed class HttpProblemMiddleware(ILogger<HttpProblemMiddleware> logger) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (Exception exception)
        {
            var http = context.GetHttpContext()!;
            if (exception is OperationCanceledException && http.RequestAborted.IsCancellationRequested) return; // the client went away
            if (http.Response.HasStarted) throw;
            var result = ProblemMapping.ToResult(exception);
            if (result is IStatusCodeHttpResult { StatusCode: >= 500 } && exception is not (UnavailableException or PublishInterruptedException))
            {
                logger.LogError(exception, "{Function} failed on {Method} {Path}.", context.FunctionDefinition.Name, http.Request.Method, http.Request.Path);
            }
            context.GetInvocationResult().Value = result;
        }
    }
}
