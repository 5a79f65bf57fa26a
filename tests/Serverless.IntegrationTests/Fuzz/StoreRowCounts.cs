using Azure.Data.Tables;

namespace Serverless.IntegrationTests.Fuzz;

/// <summary>How many rows every table of both regions holds, read straight from the storage accounts. Updates do not
/// change it; any insert or delete does, so two equal snapshots around a request mean it created or removed nothing.
/// Tables are listed anew at each snapshot, so a table the service adds later is counted too.</summary>
public sealed class StoreRowCounts(IReadOnlyDictionary<string, string> connectionStrings)
{
    private readonly IReadOnlyList<(string Region, TableServiceClient Service)> regions =
        [.. connectionStrings.Select(r => (r.Key, new TableServiceClient(r.Value)))];

    /// <summary>Time spent counting and settling, for the run's report.</summary>
    public TimeSpan Spent { get; private set; }

    /// <summary>"region/table" → rows.</summary>
    public async Task<IReadOnlyDictionary<string, long>> SnapshotAsync(CancellationToken cancellationToken = default)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            return await CountAllAsync(cancellationToken);
        }
        finally
        {
            Spent += System.Diagnostics.Stopwatch.GetElapsedTime(started);
        }
    }

    private async Task<IReadOnlyDictionary<string, long>> CountAllAsync(CancellationToken cancellationToken)
    {
        var counts = new List<Task<(string Key, long Rows)>>();
        foreach (var (region, service) in regions)
        {
            await foreach (var table in service.QueryAsync(cancellationToken: cancellationToken))
            {
                counts.Add(CountAsync(region, service.GetTableClient(table.Name), cancellationToken));
            }
        }
        return (await Task.WhenAll(counts)).ToDictionary(c => c.Key, c => c.Rows, StringComparer.Ordinal);
    }

    /// <summary>Polls until the counts have stayed the same for <paramref name="quiet"/> (background work of an
    /// accepted request has landed: events, outbox cleaning, replication), or <paramref name="limit"/> has passed.</summary>
    public async Task<IReadOnlyDictionary<string, long>> SettleAsync(TimeSpan quiet, TimeSpan limit, CancellationToken cancellationToken = default)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var last = await SnapshotAsync(cancellationToken);
        var stableSince = clock.Elapsed;
        while (clock.Elapsed - stableSince < quiet && clock.Elapsed < limit)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
            Spent += TimeSpan.FromMilliseconds(200);
            var next = await SnapshotAsync(cancellationToken);
            if (!Same(last, next)) stableSince = clock.Elapsed;
            last = next;
        }
        return last;
    }

    public static bool Same(IReadOnlyDictionary<string, long> before, IReadOnlyDictionary<string, long> after) =>
        before.Count == after.Count && before.All(c => after.TryGetValue(c.Key, out var rows) && rows == c.Value);

    /// <summary>"table: before → after" for each count that differs.</summary>
    public static string Describe(IReadOnlyDictionary<string, long> before, IReadOnlyDictionary<string, long> after) =>
        string.Join(", ", before.Keys.Union(after.Keys)
            .Where(k => before.GetValueOrDefault(k, -1) != after.GetValueOrDefault(k, -1))
            .Select(k => $"{k}: {before.GetValueOrDefault(k)} → {after.GetValueOrDefault(k)}"));

    private static async Task<(string, long)> CountAsync(string region, TableClient table, CancellationToken cancellationToken)
    {
        long rows = 0;
        await foreach (var _ in table.QueryAsync<TableEntity>(filter: (string?)null, select: ["PartitionKey"], cancellationToken: cancellationToken))
        {
            rows++;
        }
        return ($"{region}/{table.Name}", rows);
    }
}
