using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;

namespace Serverless.Testing;

/// <summary>Records the row-key ranges of every table query sent (<c>PartitionKey eq 'p' and RowKey ge 'a' and RowKey lt 'b'</c>),
/// so a test can count how many rows lie in the ranges an operation read: what a query costs Azure, which scans its key
/// ranges whatever else the filter says (Azurite does not show it: it answers filtered queries in one page).</summary>
public sealed partial class QueryRangeRecorder : HttpPipelineSynchronousPolicy
{
    private readonly ConcurrentQueue<KeyRange> ranges = new();

    public sealed record KeyRange(string PartitionKey, string From, string To);

    public bool Recording { get; set; }

    public IReadOnlyList<KeyRange> Ranges => ranges.ToArray();

    public void Clear() => ranges.Clear();

    public override void OnSendingRequest(HttpMessage message)
    {
        if (!Recording || message.Request.Method != RequestMethod.Get) return;
        var query = message.Request.Uri.Query;
        var filterAt = query.IndexOf("$filter=", StringComparison.Ordinal);
        if (filterAt < 0) return;
        var filter = Uri.UnescapeDataString(query[(filterAt + 8)..].Split('&')[0]);
        foreach (Match match in Range().Matches(filter))
        {
            ranges.Enqueue(new KeyRange(Unquote(match.Groups["pk"].Value), Unquote(match.Groups["from"].Value), Unquote(match.Groups["to"].Value)));
        }
    }

    /// <summary>How many rows lie in the recorded ranges (counted with one unfiltered range query each).</summary>
    public async Task<long> RowsInRangesAsync(TableClient table)
    {
        long rows = 0;
        foreach (var range in Ranges)
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {range.PartitionKey} and RowKey ge {range.From} and RowKey lt {range.To}");
            await foreach (var _ in table.QueryAsync<TableEntity>(filter, select: ["RowKey"])) rows++;
        }
        return rows;
    }

    private static string Unquote(string value) => value.Replace("''", "'", StringComparison.Ordinal);

    [GeneratedRegex("PartitionKey eq '(?<pk>(?:[^']|'')*)' and RowKey ge '(?<from>(?:[^']|'')*)' and RowKey lt '(?<to>(?:[^']|'')*)'")]
    private static partial Regex Range();
}
