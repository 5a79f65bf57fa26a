using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Connections;

namespace Serverless.DevHost.Http;

/// <summary>A connection middleware that gives Kestrel's own bare refusals a problem+json body. Kestrel refuses some
/// requests while parsing them, before any middleware runs, and answers with an empty body and <c>Connection: close</c>:
/// 400 (an encoded NUL, <c>%00</c>, in the path; a malformed request line or header), 408 (a body or headers that
/// do not arrive in time: a chunked body that never comes), 414 (a request line over its limit) and 431 (headers
/// over its limits). Every other 4xx of the service is problem+json; so are these. Responses
/// are passed through unchanged otherwise.</summary>
public static class BareBadRequestRewriter
{
    private static readonly (byte[] StatusLine, byte[] Body)[] Refusals =
    [
        (Encoding.ASCII.GetBytes("HTTP/1.1 400 Bad Request\r\n"), Problem(400, "Bad Request", "https://tools.ietf.org/html/rfc9110#section-15.5.1",
            "The request could not be parsed: its path holds an encoded NUL character (%00), or its request line or headers are malformed.")),
        (Encoding.ASCII.GetBytes("HTTP/1.1 408 Request Timeout\r\n"), Problem(408, "Request Timeout", "https://tools.ietf.org/html/rfc9110#section-15.5.9",
            "The request's headers or body did not arrive in time.")),
        (Encoding.ASCII.GetBytes("HTTP/1.1 414 URI Too Long\r\n"), Problem(414, "URI Too Long", "https://tools.ietf.org/html/rfc9110#section-15.5.15",
            "The request target is longer than the server accepts.")),
        (Encoding.ASCII.GetBytes("HTTP/1.1 431 Request Header Fields Too Large\r\n"), Problem(431, "Request Header Fields Too Large", "https://tools.ietf.org/html/rfc6585#section-5",
            "The request's headers are larger, or more numerous, than the server accepts.")),
    ];

    private static readonly byte[] EmptyLength = "\r\nContent-Length: 0\r\n"u8.ToArray();
    private static readonly byte[] ConnectionClose = "\r\nConnection: close\r\n"u8.ToArray();
    private static readonly byte[] HeadersEnd = "\r\n\r\n"u8.ToArray();

    public static Func<ConnectionDelegate, ConnectionDelegate> Middleware => next => async connection =>
    {
        var transport = connection.Transport;
        var output = new RewritingWriter(transport.Output);
        connection.Transport = new Pipe(transport.Input, output);
        try
        {
            await next(connection);
        }
        finally
        {
            connection.Transport = transport;
        }
    };

    /// <summary>The bytes to send instead of <paramref name="response"/>, or null to send it as it is.</summary>
    public static byte[]? Rewrite(ReadOnlySpan<byte> response)
    {
        byte[]? body = null;
        foreach (var (statusLine, problem) in Refusals)
        {
            if (response.StartsWith(statusLine)) body = problem;
        }
        if (body is null || !response.EndsWith(HeadersEnd) || response.IndexOf(ConnectionClose) < 0) return null;

        var length = response.IndexOf(EmptyLength);
        if (length < 0) return null;
        var headers = Encoding.ASCII.GetBytes(
            $"\r\nContent-Type: application/problem+json\r\nContent-Length: {body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)}\r\n");
        var rewritten = new byte[response.Length - EmptyLength.Length + headers.Length + body.Length];
        var span = rewritten.AsSpan();
        response[..length].CopyTo(span);
        headers.CopyTo(span[length..]);
        response[(length + EmptyLength.Length)..].CopyTo(span[(length + headers.Length)..]);
        body.CopyTo(span[(response.Length - EmptyLength.Length + headers.Length)..]);
        return rewritten;
    }

    private static byte[] Problem(int status, string title, string type, string detail) =>
        JsonSerializer.SerializeToUtf8Bytes(new { type, title, status, detail });

    private sealed class Pipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }

    // Collects what Kestrel writes until it flushes, then passes it on (rewritten when it is a bare refusal).
    private sealed class RewritingWriter(PipeWriter inner) : PipeWriter
    {
        private readonly ArrayBufferWriter<byte> _pending = new(4096);

        public override void Advance(int bytes) => _pending.Advance(bytes);

        public override Memory<byte> GetMemory(int sizeHint = 0) => _pending.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => _pending.GetSpan(sizeHint);

        public override bool CanGetUnflushedBytes => true;

        public override long UnflushedBytes => _pending.WrittenCount + (inner.CanGetUnflushedBytes ? inner.UnflushedBytes : 0);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null)
        {
            Pass();
            inner.Complete(exception);
        }

        public override async ValueTask CompleteAsync(Exception? exception = null)
        {
            Pass();
            await inner.CompleteAsync(exception);
        }

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            Pass();
            return inner.FlushAsync(cancellationToken);
        }

        private void Pass()
        {
            if (_pending.WrittenCount == 0) return;
            var written = _pending.WrittenSpan;
            inner.Write(Rewrite(written) ?? written);
            _pending.ResetWrittenCount();
        }
    }
}
