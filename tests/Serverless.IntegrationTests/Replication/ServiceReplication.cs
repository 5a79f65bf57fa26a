using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Serverless.IntegrationTests.Functions;
using Serverless.Testing;

namespace Serverless.IntegrationTests.Replication;

/// <summary>What the replication tests through devhost ask of the running service: its topology, its events, and
/// waiting until the secondary has everything; and the consistency checker over both regions' stores.</summary>
internal static class ServiceReplication
{
    /// <summary>The secondary region's entry of <c>GET /api/v1/topology</c>.</summary>
    public static async Task<JsonElement> SecondaryAsync(HttpClient client)
    {
        var topology = await client.GetAsync("api/v1/topology").ExpectAsync(HttpStatusCode.OK);
        return topology.GetProperty("regions").EnumerateArray().Single(r => r.Str("role") == "secondary");
    }

    /// <summary>Polls the topology until the secondary is synchronized with nothing left to ship.</summary>
    public static async Task<JsonElement> WaitUntilSynchronizedAsync(HttpClient client, TimeSpan timeout)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var secondary = await SecondaryAsync(client);
            if (secondary.GetProperty("synchronized").GetBoolean() && secondary.GetProperty("lagMessages").GetInt64() == 0) return secondary;
            Assert.True(waited.Elapsed < timeout, $"the secondary was not synchronized after {timeout}: {secondary}");
            await Task.Delay(250);
        }
    }

    /// <summary>Polls the topology until <paramref name="condition"/> holds for the secondary.</summary>
    public static async Task<JsonElement> WaitForSecondaryAsync(HttpClient client, Func<JsonElement, bool> condition, TimeSpan timeout, string what)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var secondary = await SecondaryAsync(client);
            if (condition(secondary)) return secondary;
            Assert.True(waited.Elapsed < timeout, $"{what} not seen after {timeout}: {secondary}");
            await Task.Delay(250);
        }
    }

    /// <summary>The types of the events raised since <paramref name="since"/>, oldest first.</summary>
    public static async Task<List<JsonElement>> EventsSinceAsync(HttpClient client, DateTimeOffset since)
    {
        var response = await client.GetAsync($"api/v1/events?since={Uri.EscapeDataString(since.ToString("O"))}").ExpectAsync(HttpStatusCode.OK);
        return response.GetProperty("events").EnumerateArray().ToList();
    }

    /// <summary>For a failure message: every row either store holds of the first few messages the report names (their
    /// anchors, tombstones, index, change and move rows), so that a divergence can be traced to the change that made it.</summary>
    public static async Task<string> TraceAsync(ConsistencyReport report, string primary, string secondary)
    {
        var text = new System.Text.StringBuilder(report.Describe());
        foreach (var item in report.Missing.Concat(report.Extra).Concat(report.Different).Select(d => d.Item).Where(i => i.StartsWith("message ", StringComparison.Ordinal)).Take(3))
        {
            var parts = item["message ".Length..].Split(" seq=");
            var partition = parts[0].Replace('/', '|');
            var sequence = parts[1];
            foreach (var (name, connection) in new[] { ("primary", primary), ("secondary", secondary) })
            {
                var table = new Azure.Data.Tables.TableClient(connection, "Messages");
                await foreach (var row in table.QueryAsync<Azure.Data.Tables.TableEntity>(Azure.Data.Tables.TableClient.CreateQueryFilter($"PartitionKey eq {partition}")))
                {
                    if (!row.RowKey.Contains(sequence, StringComparison.Ordinal) && row.GetString("Seq") != sequence) continue;
                    var columns = string.Join(", ", row.Where(p => p.Key is not ("PartitionKey" or "odata.etag" or "Body0" or "Timestamp")).Select(p => $"{p.Key}={p.Value}"));
                    text.AppendLine().Append($"  {name}: {columns} (written {row.Timestamp:HH:mm:ss.fff})");
                }
            }
        }
        return text.ToString();
    }

    /// <summary>Compares the stores until equal (timers may still be moving messages when lag first reads 0) or the
    /// timeout passes; returns the last report.</summary>
    public static async Task<ConsistencyReport> CompareUntilEqualAsync(string primary, string secondary, HttpClient client, TimeSpan timeout)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            await WaitUntilSynchronizedAsync(client, timeout);
            var report = await ConsistencyChecker.CompareAsync(primary, secondary);
            if (report.Equal || waited.Elapsed > timeout) return report;
            await Task.Delay(500);
        }
    }
}
