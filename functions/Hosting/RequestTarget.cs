namespace Serverless.Functions.Hosting;

/// <summary>Checks on the request target exactly as the client sent it, before any normalisation.</summary>
public static class RequestTarget
{
    /// <summary>True when a path segment is <c>.</c> or <c>..</c>, also percent-encoded (<c>%2E%2E</c>).
    /// Servers remove such segments before routing, so <c>DELETE .../queues/..</c> would reach the vhost.</summary>
    public static bool HasDotSegment(string? rawTarget)
    {
        if (string.IsNullOrEmpty(rawTarget)) return false;
        var path = rawTarget;
        var schemeEnd = path.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd >= 0)
        {
            // absolute-form (RFC 9112 3.2.2): the path starts after the authority
            var pathStart = path.IndexOf('/', schemeEnd + 3);
            path = pathStart < 0 ? "" : path[pathStart..];
        }
        var end = path.IndexOfAny(['?', '#']);
        if (end >= 0) path = path[..end];
        foreach (var segment in path.Split('/'))
        {
            var decoded = segment.Replace("%2E", ".", StringComparison.OrdinalIgnoreCase);
            if (decoded is "." or "..") return true;
        }
        return false;
    }
}
