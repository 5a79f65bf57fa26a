namespace Serverless.Testing;

/// <summary>A request for <see cref="RawHttp"/> given as bytes: any header (repeated, non-ASCII, huge) and any body
/// (invalid UTF-8, over the service's limits). The target is sent exactly as given.</summary>
public sealed record RawHttpRequest(string Method, string Target)
{
    /// <summary>Header lines in order; a name may repeat. Values are sent as their UTF-8 bytes. <c>Host</c>,
    /// <c>Connection: close</c> and, with a body, <c>Content-Length</c> are added.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>Null: no body and no <c>Content-Length</c>.</summary>
    public byte[]? Body { get; init; }

    /// <summary>Sends <c>Expect: 100-continue</c> and the body only when the server asks for it, as curl does for
    /// large bodies: a server that refuses early answers without reading the body.</summary>
    public bool ExpectContinue { get; init; }
}
