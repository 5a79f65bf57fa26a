namespace Serverless.Functions.Hosting;

/// <summary>Limits of the HTTP API. Bound from the <c>Api</c> configuration section.</summary>
public sealed class ApiOptions
{
    public const string SectionName = "Api";

    /// <summary>How long one request may take in all, storage calls and retries included, before it is
    /// answered 503 with <c>Retry-After</c> (a long-polling receive gets its <c>waitSeconds</c> on top).
    /// Default 10 s: a hung storage region fails a request within seconds, not minutes.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The largest request body, 4 MiB (API.md, Publish); not configurable.</summary>
    public const long MaxRequestBodyBytes = 4 * 1024 * 1024;

    /// <summary>The largest single request header value, 8 KiB (a bearer token from Entra ID is 1-3 KiB); larger is
    /// a 431 naming the header. Not configurable.</summary>
    public const int MaxRequestHeaderValueBytes = 8 * 1024;

    /// <summary>All request headers together (names and values), 16 KiB; larger is a 431 naming <c>headers</c>.</summary>
    public const int MaxRequestHeadersBytes = 16 * 1024;
}
