using Microsoft.AspNetCore.Http.Features;
using Microsoft.Azure.Functions.Worker.Middleware;
using Serverless.Errors;

namespace Serverless.Functions.Hosting;

/// <summary>Refuses, before a function runs, what no function should see: a path with dot segments, route
/// values that are not resource names, headers over their limits (431 naming the header), and a body over 4 MiB
/// (413 naming <c>body</c>).</summary>
public sealed class RequestGuardMiddleware : IFunctionsWorkerMiddleware
{
    public Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        var http = context.GetHttpContext()!;
        if (RequestTarget.HasDotSegment(http.Features.Get<IHttpRequestFeature>()?.RawTarget))
        {
            throw InvalidRequestException.For("path", "must not contain . or .. segments");
        }
        LimitHeaders(http.Request.Headers);
        var function = HttpFunctions.Find(context.FunctionDefinition.Name);
        if (function is not null) RouteNames.Check(function.RouteParameters, context.BindingContext.BindingData);
        // Only functions that read a body care how large it is.
        if (function?.Body is not null) LimitBody(http);
        return next(context);
    }

    private static void LimitHeaders(IHeaderDictionary headers)
    {
        var total = 0L;
        foreach (var (name, values) in headers)
        {
            foreach (var value in values)
            {
                var length = value?.Length ?? 0;
                if (length > ApiOptions.MaxRequestHeaderValueBytes)
                {
                    throw new HeadersTooLargeException(name.ToLowerInvariant(), $"The header is larger than {ApiOptions.MaxRequestHeaderValueBytes / 1024} KiB.");
                }
                total += name.Length + length;
            }
        }
        if (total > ApiOptions.MaxRequestHeadersBytes)
        {
            throw new HeadersTooLargeException("headers", $"The request headers together are larger than {ApiOptions.MaxRequestHeadersBytes / 1024} KiB.");
        }
    }

    private static void LimitBody(HttpContext http)
    {
        if (http.Request.ContentLength > ApiOptions.MaxRequestBodyBytes)
        {
            throw new PayloadTooLargeException("body", "The request body is larger than 4 MiB.") { Errors = new Dictionary<string, string[]> { ["body"] = [ProblemMapping.BodyTooLarge] } };
        }
        // A chunked body has no length up front: the server stops reading it at the limit (413 then).
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = ApiOptions.MaxRequestBodyBytes;
        }
    }
}
