namespace Serverless.Testing;

/// <summary>A response read off the wire by <see cref="RawHttp"/>.</summary>
public sealed record RawHttpResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? ContentType => Headers.GetValueOrDefault("content-type");
}
