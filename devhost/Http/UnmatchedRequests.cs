using Microsoft.AspNetCore.Http;
using Serverless.DevHost.Functions;

namespace Serverless.DevHost.Http;

/// <summary>Problem+json for requests no function takes: 404 for a path no route matches, 405 (with Allow) for a
/// route that exists with other methods. A function's own 404 or 405 passes through untouched.</summary>
public static class UnmatchedRequests
{
    /// <summary>Middleware between routing and the endpoints: gives routing's bare 405 a problem body.</summary>
    public static async Task MethodNotAllowedAsync(HttpContext context, RequestDelegate next)
    {
        await next(context);
        if (context.Response.StatusCode == StatusCodes.Status405MethodNotAllowed
            && !context.Response.HasStarted
            && context.GetEndpoint()?.Metadata.GetMetadata<FunctionDescription>() is null)
        {
            var allowed = context.Response.Headers.Allow.ToString();
            await Problems.WriteAsync(context, StatusCodes.Status405MethodNotAllowed, "Method Not Allowed",
                $"{context.Request.Method} is not allowed on {context.Request.Path}; allowed: {allowed}.");
        }
    }

    /// <summary>The end of the pipeline, reached only when no endpoint matched.</summary>
    public static Task NotFoundAsync(HttpContext context) =>
        Problems.WriteAsync(context, StatusCodes.Status404NotFound, "Not Found", $"No function serves {context.Request.Path}.");
}
