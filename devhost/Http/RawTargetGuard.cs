using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Serverless.DevHost.Http;

/// <summary>Refuses, before anything routes it, a request whose raw path (as the client sent it, before Kestrel
/// decodes and normalises it) has a dot segment (<c>.</c> or <c>..</c>, plain or percent-encoded in any case) or an
/// encoded NUL. Kestrel removes dot segments, so <c>DELETE /api/v1/vhosts/v/queues/%2E%2E</c> would otherwise reach
/// the function of <c>DELETE /api/v1/vhosts/v</c>: a request for one thing must never act on another.</summary>
public sealed class RawTargetGuard(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "/";
        var refusal = Refusal(rawTarget);
        return refusal is null
            ? next(context)
            : Problems.WriteAsync(context, StatusCodes.Status400BadRequest, "Bad Request", refusal, instance: null);
    }

    /// <summary>Why the request target must be refused, or null when its path is acceptable.</summary>
    public static string? Refusal(string rawTarget)
    {
        ArgumentNullException.ThrowIfNull(rawTarget);
        var path = PathOf(rawTarget);
        foreach (var segment in path.Split('/'))
        {
            if (segment.Length == 0) continue;
            string decoded;
            try
            {
                decoded = Uri.UnescapeDataString(segment);
            }
            catch (UriFormatException)
            {
                decoded = segment;
            }

            if (decoded.Contains('\0', StringComparison.Ordinal))
            {
                return "The path contains an encoded NUL character (%00).";
            }

            // An encoded slash or backslash inside a segment could hide a dot segment from one decoder and not another.
            if (decoded.Split('/', '\\').Any(part => part is "." or ".."))
            {
                return "The path contains a dot segment ('.' or '..', plain or percent-encoded); name the resource directly.";
            }
        }

        return null;
    }

    private static string PathOf(string rawTarget)
    {
        var end = rawTarget.IndexOfAny(['?', '#']);
        var path = end < 0 ? rawTarget : rawTarget[..end];

        // Absolute form (a request through a proxy): http://host:port/path.
        var scheme = path.IndexOf("://", StringComparison.Ordinal);
        if (scheme > 0)
        {
            var slash = path.IndexOf('/', scheme + 3);
            path = slash < 0 ? "/" : path[slash..];
        }

        return path;
    }
}
