using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Azure.Core;

namespace Serverless.Storage.Diagnostics;

/// <summary>An entity group transaction read back from the <c>$batch</c> request the Tables SDK built:
/// a multipart/mixed batch holding one change set of HTTP sub-requests. Keys are read where the service
/// reads them: from the URL <c>Table(PartitionKey='..',RowKey='..')</c> (percent-encoded, quotes doubled),
/// or from the JSON body of an insert, which posts to the table itself.</summary>
internal sealed class TableBatchRequest
{
    private const string Crlf = "\r\n";

    private TableBatchRequest(long bodyBytes, IReadOnlyList<TableBatchOperation> operations)
    {
        BodyBytes = bodyBytes;
        Operations = operations;
    }

    /// <summary>Size of the whole request body, the payload Azure limits to 4 MiB.</summary>
    public long BodyBytes { get; }

    public IReadOnlyList<TableBatchOperation> Operations { get; }

    public static bool IsBatch(Request request) =>
        request.Method == RequestMethod.Post && request.Uri.Path.EndsWith("/$batch", StringComparison.Ordinal);

    public static async ValueTask<TableBatchRequest> ReadAsync(Request request, CancellationToken cancellationToken = default)
    {
        using var body = new MemoryStream();
        if (request.Content is { } content) await content.WriteToAsync(body, cancellationToken);
        return Parse(request, body);
    }

    public static TableBatchRequest Read(Request request, CancellationToken cancellationToken = default)
    {
        using var body = new MemoryStream();
        request.Content?.WriteTo(body, cancellationToken);
        return Parse(request, body);
    }

    private static TableBatchRequest Parse(Request request, MemoryStream body)
    {
        if (!request.Headers.TryGetValue("Content-Type", out var contentType))
            throw Unreadable("it has no Content-Type header");
        var text = Encoding.UTF8.GetString(body.GetBuffer(), 0, (int)body.Length);
        var operations = new List<TableBatchOperation>();
        foreach (var batchPart in Parts(text, Boundary(contentType)))
        {
            var (headers, content) = SplitHeaders(batchPart);
            // The SDK sends one change set; a part that is not one (a query) holds no write to check.
            if (Header(headers, "Content-Type") is not { } partType || !partType.StartsWith("multipart/mixed", StringComparison.OrdinalIgnoreCase)) continue;
            foreach (var operation in Parts(content, Boundary(partType)))
            {
                operations.Add(ReadOperation(operations.Count, SplitHeaders(operation).Content));
            }
        }
        return new TableBatchRequest(body.Length, operations);
    }

    private static TableBatchOperation ReadOperation(int index, string httpRequest)
    {
        var (head, body) = SplitHeaders(httpRequest);
        var requestLine = head.Split(Crlf)[0];
        var words = requestLine.Split(' ');
        if (words.Length != 3) throw Unreadable($"operation {index} has the request line '{requestLine}'");
        var (method, target) = (words[0], words[1]);
        var path = target.Split('?')[0];
        var resource = Uri.UnescapeDataString(path[(path.LastIndexOf('/') + 1)..]);
        var keys = resource.IndexOf('(') is var open and > 0
            ? KeysOfUrl(resource[(open + 1)..], index)
            : KeysOfBody(body, index);
        return new TableBatchOperation(index, method, keys.PartitionKey, keys.RowKey);
    }

    /// <summary>Reads <c>PartitionKey='a''b',RowKey='c')</c>: OData string literals, a quote doubled inside.</summary>
    private static (string PartitionKey, string RowKey) KeysOfUrl(string keys, int index)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var position = 0;
        while (position < keys.Length && keys[position] != ')')
        {
            var equals = keys.IndexOf('=', position);
            if (equals < 0 || equals + 1 >= keys.Length || keys[equals + 1] != '\'') throw Unreadable($"operation {index} has the key '{keys}'");
            var name = keys[position..equals];
            var value = new StringBuilder();
            position = equals + 2;
            while (true)
            {
                if (position >= keys.Length) throw Unreadable($"operation {index} has an unterminated key '{keys}'");
                if (keys[position] == '\'')
                {
                    if (position + 1 < keys.Length && keys[position + 1] == '\'') { value.Append('\''); position += 2; continue; }
                    position++;
                    break;
                }
                value.Append(keys[position++]);
            }
            values[name] = value.ToString();
            if (position < keys.Length && keys[position] == ',') position++;
        }
        return values.TryGetValue("PartitionKey", out var partitionKey) && values.TryGetValue("RowKey", out var rowKey)
            ? (partitionKey, rowKey)
            : throw Unreadable($"operation {index} names no PartitionKey and RowKey in '{keys}'");
    }

    private static (string PartitionKey, string RowKey) KeysOfBody(string body, int index)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return (json.RootElement.GetProperty("PartitionKey").GetString()!, json.RootElement.GetProperty("RowKey").GetString()!);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw Unreadable($"operation {index} posts no PartitionKey and RowKey in its body ({ex.Message})");
        }
    }

    /// <summary>The parts between <c>--boundary</c> delimiter lines, up to the closing <c>--boundary--</c>.</summary>
    private static List<string> Parts(string multipart, string boundary)
    {
        var delimiter = "--" + boundary;
        var parts = new List<string>();
        var position = multipart.IndexOf(delimiter, StringComparison.Ordinal);
        if (position < 0) throw Unreadable($"the boundary '{boundary}' does not occur");
        position += delimiter.Length;
        while (!multipart.AsSpan(position).StartsWith("--"))
        {
            var start = multipart.IndexOf(Crlf, position, StringComparison.Ordinal);
            var end = start < 0 ? -1 : multipart.IndexOf(Crlf + delimiter, start, StringComparison.Ordinal);
            if (end < 0) throw Unreadable($"a part delimited by '{boundary}' does not end");
            parts.Add(multipart[(start + Crlf.Length)..end]);
            position = end + Crlf.Length + delimiter.Length;
        }
        return parts;
    }

    private static (string Headers, string Content) SplitHeaders(string part)
    {
        var end = part.IndexOf(Crlf + Crlf, StringComparison.Ordinal);
        return end < 0 ? (part, "") : (part[..end], part[(end + 2 * Crlf.Length)..]);
    }

    private static string? Header(string headers, string name) =>
        headers.Split(Crlf)
            .Select(line => line.Split(':', 2))
            .Where(pair => pair.Length == 2 && pair[0].Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            .Select(pair => pair[1].Trim())
            .FirstOrDefault();

    private static string Boundary(string contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && media.Parameters.FirstOrDefault(p => p.Name.Equals("boundary", StringComparison.OrdinalIgnoreCase))?.Value is { Length: > 0 } boundary
            ? boundary.Trim('"')
            : throw Unreadable($"the content type '{contentType}' names no boundary");

    // A request this cannot read is a defect of the guard or a new SDK wire format: fail loudly rather than
    // let a batch through unchecked.
    private static InvalidOperationException Unreadable(string why) =>
        new($"The Azure table rules guard cannot read this $batch request: {why}.");
}
