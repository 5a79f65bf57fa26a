using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Options;

namespace Serverless.Functions.Hosting;

/// <summary>Gives every HTTP invocation an overall deadline (<see cref="ApiOptions.RequestTimeout"/>) by
/// replacing <see cref="HttpContext.RequestAborted"/>, the token functions pass to the engine. Running out
/// of time is a 503 with <c>Retry-After</c>, never a 500.</summary>
public sealed class RequestDeadlineMiddleware(IOptions<ApiOptions> options, TimeProvider time) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        var http = context.GetHttpContext()!;
        var aborted = http.RequestAborted;
        using var deadline = new RequestDeadline(options.Value.RequestTimeout, time, aborted);
        http.Features.Set(deadline);
        http.RequestAborted = deadline.Token;
        try
        {
            await next(context);
        }
        catch (OperationCanceledException cancelled) when (deadline.HasExpired && !aborted.IsCancellationRequested)
        {
            throw deadline.Expired(cancelled);
        }
        finally
        {
            http.RequestAborted = aborted;
            http.Features.Set<RequestDeadline>(null);
        }
    }
}
