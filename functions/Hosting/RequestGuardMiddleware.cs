using Microsoft.AspNetCore.Http.Features;
using Microsoft.Azure.Functions.Worker.Middleware;
using Serverless.Errors;

namespace Serverless.Functions.Hosting;

/// <summary>Refuses, before a function runs, what no function should see: a path with dot segments, route
/// values that are not resource names, headers over their limits (431 naming the header), and a body over 4 MiB
/// (413 naming <c>body</c>). A function runs only once its whole request has arrived: one that reads no body still
/// waits for the body a client announced, so a request whose body never comes (408) has done nothing.</summary>
public sealed class RequestGuardMiddleware : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        var http = context.GetHttpContext()!;
        if (RequestTarget.HasDotSegment(http.Features.Get<IHttpRequestFeature>()?.RawTarget))
        {
            throw InvalidRequestException.For("path", "must not contain . or .. segments");
        }
        LimitHeaders(http.Request.Headers);
        var function = HttpFunctions.Find(context.FunctionDefinition.Name);
        if (function is not null) RouteNames.Check(function.RouteParameters, context.BindingContext.BindingData);
        LimitBody(http);
        // A function with a body binds it (reads it whole) before it runs; one without would run at once.
        if (function?.Body is null) await ReadAnnouncedBodyAsync(http);
        await next(context);
    }

    private static async Task ReadAnnouncedBodyAsync(HttpContext http)
    {
        if (http.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false } || http.Request.ContentLength == 0) return;
        var buffer = new byte[16 * 1024];
        try
        {
            while (await http.Request.Body.ReadAsync(buffer, http.RequestAborted) > 0)
            {
            }
        }
        catch (IOException cut) when (cut is not BadHttpRequestException)
        {
            // The connection went before the body's end: the client is answered 408 by the server in front, if at all.
            throw new BadHttpRequestException("The request body did not arrive.", StatusCodes.Status408RequestTimeout, cut);
        }
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
