using Microsoft.AspNetCore.Http;

namespace Serverless.DevHost.Http;

/// <summary>devhost's own answers (no route, wrong method, refused path, no worker) as application/problem+json,
/// like every other 4xx/5xx of the service.</summary>
public static class Problems
{
    /// <summary>Writes the problem; <paramref name="instance"/> defaults to the request path.</summary>
    public static Task WriteAsync(HttpContext context, int status, string title, string detail, TimeSpan? retryAfter = null, string? instance = "")
    {
        ArgumentNullException.ThrowIfNull(context);
        if (retryAfter is { } wait)
        {
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return Results.Problem(detail: detail, statusCode: status, title: title, instance: instance == string.Empty ? context.Request.Path.Value : instance).ExecuteAsync(context);
    }
}
