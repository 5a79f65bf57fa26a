using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Serverless.Testing;

/// <summary>Sends one HTTP/1.1 request with its request target exactly as given. HttpClient (System.Uri) decodes
/// <c>%2E</c> and removes dot segments before sending, so a test of what the server does with them needs the raw bytes.</summary>
public static class RawHttp
{
    public static async Task<RawHttpResponse> SendAsync(
        Uri baseAddress, string method, string rawTarget, IReadOnlyDictionary<string, string>? headers = null, string? body = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        using var client = new TcpClient(AddressFamily.InterNetwork);
        await client.ConnectAsync(baseAddress.Host, baseAddress.Port, cancellationToken);
        await using var stream = client.GetStream();
        var request = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"{method} {rawTarget} HTTP/1.1\r\n")
            .Append(CultureInfo.InvariantCulture, $"Host: {baseAddress.Authority}\r\n")
            .Append("Connection: close\r\n");
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        }

        var content = body is null ? [] : Encoding.UTF8.GetBytes(body);
        if (body is not null) request.Append(CultureInfo.InvariantCulture, $"Content-Length: {content.Length}\r\n");
        request.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request.ToString()), cancellationToken);
        await stream.WriteAsync(content, cancellationToken);

        var response = new MemoryStream();
        await stream.CopyToAsync(response, cancellationToken);
        return Parse(response.ToArray());
    }

    /// <summary>Sends <paramref name="request"/> byte for byte. A server that answers and closes the connection while
    /// the body is still being written (a 413) is read all the same.</summary>
    /// <exception cref="InvalidDataException">The server closed the connection without an HTTP response.</exception>
    public static async Task<RawHttpResponse> SendAsync(Uri baseAddress, RawHttpRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        ArgumentNullException.ThrowIfNull(request);
        using var client = new TcpClient(AddressFamily.InterNetwork);
        await client.ConnectAsync(baseAddress.Host, baseAddress.Port, cancellationToken);
        await using var stream = client.GetStream();
        var head = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"{request.Method} {request.Target} HTTP/1.1\r\n")
            .Append(CultureInfo.InvariantCulture, $"Host: {baseAddress.Authority}\r\n")
            .Append("Connection: close\r\n");
        foreach (var (name, value) in request.Headers) head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        if (request.Body is { } length) head.Append(CultureInfo.InvariantCulture, $"Content-Length: {length.Length}\r\n");
        var expectContinue = request.ExpectContinue && request.Body is { Length: > 0 };
        if (expectContinue) head.Append("Expect: 100-continue\r\n");
        head.Append("\r\n");
        await stream.WriteAsync(Encoding.UTF8.GetBytes(head.ToString()), cancellationToken);

        var received = new MemoryStream();
        if (request.Body is { Length: > 0 } body)
        {
            if (expectContinue)
            {
                // Either "100 Continue" (then the body) or the final answer (then no body).
                var interim = await ReadHeadAsync(stream, received, cancellationToken);
                if (interim is not null && interim.StartsWith("HTTP/1.1 100", StringComparison.Ordinal))
                {
                    await WriteBodyAsync(stream, body, cancellationToken);
                }
            }
            else
            {
                await WriteBodyAsync(stream, body, cancellationToken);
            }
        }

        try
        {
            await ReadResponseAsync(stream, received, cancellationToken);
        }
        catch (IOException) when (received.Length > 0)
        {
            // Reset after the answer was sent: what arrived is the answer.
        }

        return Parse(received.ToArray());
    }

    // Up to the end of the answer as its framing says, not until the server closes: after refusing a body it never
    // asked for (no 100 Continue), a server may keep the connection open for seconds waiting for it.
    private static async Task ReadResponseAsync(NetworkStream stream, MemoryStream received, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            if (IsComplete(received.GetBuffer().AsSpan(0, (int)received.Length))) return;
            var read = await stream.ReadAsync(buffer, cancellationToken);
            if (read == 0) return;
            received.Write(buffer, 0, read);
        }
    }

    private static bool IsComplete(ReadOnlySpan<byte> response)
    {
        var headerEnd = response.IndexOf("\r\n\r\n"u8);
        if (headerEnd < 0) return false;
        var head = Encoding.Latin1.GetString(response[..headerEnd]).ToLowerInvariant();
        var body = response[(headerEnd + 4)..];
        if (head.Contains("\r\ntransfer-encoding: chunked", StringComparison.Ordinal)) return body.EndsWith("0\r\n\r\n"u8);
        var length = head.IndexOf("\r\ncontent-length:", StringComparison.Ordinal);
        if (length < 0) return false;
        var valueStart = length + "\r\ncontent-length:".Length;
        var valueEnd = head.IndexOf("\r\n", valueStart, StringComparison.Ordinal);
        var value = (valueEnd < 0 ? head[valueStart..] : head[valueStart..valueEnd]).Trim();
        return long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) && body.Length >= bytes;
    }

    private static async Task WriteBodyAsync(NetworkStream stream, byte[] body, CancellationToken cancellationToken)
    {
        try
        {
            await stream.WriteAsync(body, cancellationToken);
        }
        catch (IOException)
        {
            // The server answered and closed before reading it all; its answer is read next.
        }
    }

    /// <summary>Reads into <paramref name="received"/> until the end of a response head; null when the connection
    /// closed first.</summary>
    private static async Task<string?> ReadHeadAsync(NetworkStream stream, MemoryStream received, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        while (true)
        {
            var text = Encoding.ASCII.GetString(received.GetBuffer(), 0, (int)received.Length);
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                // Keep what follows the head (the start of a final answer's body).
                if (text.StartsWith("HTTP/1.1 100", StringComparison.Ordinal))
                {
                    var rest = received.GetBuffer()[(end + 4)..(int)received.Length];
                    received.SetLength(0);
                    received.Write(rest);
                    return "HTTP/1.1 100";
                }
                return text;
            }
            var read = await stream.ReadAsync(buffer, cancellationToken);
            if (read == 0) return null;
            received.Write(buffer, 0, read);
        }
    }

    // Bytes, not text: chunk sizes count bytes, and a body may hold multi-byte characters.
    private static RawHttpResponse Parse(byte[] response)
    {
        var headerEnd = response.AsSpan().IndexOf("\r\n\r\n"u8);
        if (headerEnd < 0) throw new InvalidDataException($"Not an HTTP response: '{Encoding.UTF8.GetString(response)}'");
        var lines = Encoding.Latin1.GetString(response, 0, headerEnd).Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture);
        var headers = lines.Skip(1)
            .Select(l => l.Split(':', 2))
            .GroupBy(h => h[0].Trim().ToLowerInvariant())
            .ToDictionary(g => g.Key, g => string.Join(", ", g.Select(h => h[1].Trim())));
        var body = response.AsSpan(headerEnd + 4);
        if (headers.GetValueOrDefault("transfer-encoding")?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true)
        {
            return new RawHttpResponse(status, headers, Encoding.UTF8.GetString(Dechunk(body)));
        }

        return new RawHttpResponse(status, headers, Encoding.UTF8.GetString(body));
    }

    private static byte[] Dechunk(ReadOnlySpan<byte> chunked)
    {
        var body = new MemoryStream();
        var position = 0;
        while (position < chunked.Length)
        {
            var lineEnd = chunked[position..].IndexOf("\r\n"u8) + position;
            if (lineEnd < position) break;
            var sizeText = Encoding.ASCII.GetString(chunked[position..lineEnd]).Split(';')[0];
            var size = int.Parse(sizeText, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (size == 0) break;
            body.Write(chunked.Slice(lineEnd + 2, size));
            position = lineEnd + 2 + size + 2;
        }

        return body.ToArray();
    }
}
