using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Serverless.Benchmarks.Clients;
using Serverless.Benchmarks.Load;
using Serverless.Benchmarks.Reporting;

namespace Serverless.Benchmarks.Scenarios;

/// <summary>The limit for receive + ack: the query for the first ready rows and the EGT that leases the
/// picked ones (ready row deleted with its ETag, invisible row added), then the EGT that acks them (invisible
/// and message rows deleted, a replication outbox row added), and for sync the EGT that deletes them in the
/// secondary. Small bodies come with the ready rows (as in the service); larger ones are not read: the minimum
/// is the query and the EGTs. Receivers pick at random among the first
/// 2 × N × receivers rows, as DESIGN.md's lessons advise; a lost race costs one more EGT.</summary>
public sealed class LimitReceiveAck : IScenario
{
    private const int MaxLeaseAttempts = 6;
    private const int FillBatch = 25;
    private static readonly string[] ReadyColumns =
        ["RowKey", "Seq", "MessageId", "Rank", "DeliveryCount", "EnqueuedAt", "Size", "LeaseId", "BodyEncoding", "BodyLength", "Priority", "Exchange", "RoutingKey", "Body0"];

    public string Name => "limit-receive-ack";

    public async Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var options = context.Options;
        foreach (var mode in BenchContext.Modes)
        {
            foreach (var maxMessages in new[] { 1, 10 })
            {
                await context.FreshEnvironmentAsync($"{Name} {mode} max {maxMessages}", cancellationToken);
                var limit = context.Limit;
                var name = BenchContext.UniqueName("limitreceive");
                var tables = await limit.CreateTablesAsync(name, cancellationToken);
                var sync = mode == "sync";
                try
                {
                    var load = await LoadRunner.DrainRoundsAsync(options.Concurrency, options.Duration, options.Backlog,
                        (count, ct) => LoadRunner.ForEachAsync((count + FillBatch - 1) / FillBatch, 8,
                            (_, token) => limit.PublishAsync(tables, options.Shards, FillBatch, sync, token), ct),
                        (_, ct) => ReceiveAndAckAsync(tables, options, maxMessages, sync, ct),
                        limit.Requests, cancellationToken);
                    context.Record(ScenarioResult.From(SystemKind.Limit, "Azure.Data.Tables (limit)", Work.ReceiveAck, maxMessages, mode, load));
                }
                finally
                {
                    await limit.DeleteTablesAsync(name, CancellationToken.None);
                }
            }
        }
    }

    internal static async Task<int> ReceiveAndAckAsync((TableClient Primary, TableClient Secondary) tables, BenchmarkOptions options, int maxMessages, bool sync, CancellationToken cancellationToken)
    {
        var done = 0;
        var start = Random.Shared.Next(options.Shards);
        for (var i = 0; i < options.Shards && done < maxMessages; i++)
        {
            var partition = LimitTables.Partition((start + i) % options.Shards);
            var leased = await LeaseAsync(tables.Primary, partition, maxMessages - done, Math.Max(1, options.Concurrency / options.Shards), options.VisibilityTimeoutSeconds, cancellationToken);
            if (leased.Count == 0) continue;
            await tables.Primary.SubmitTransactionAsync(leased.SelectMany(l => new[]
            {
                LimitTables.Delete(partition, l.InvisibleKey, ETag.All),
                LimitTables.Delete(partition, "m:" + l.Sequence, ETag.All),
                LimitTables.Add(new TableEntity(partition, $"o:1:{LimitTables.NewSequence()}") { ["Seq"] = l.Sequence, ["Op"] = "ack" }),
            }), cancellationToken);
            if (sync)
            {
                await tables.Secondary.SubmitTransactionAsync(leased.SelectMany(l => new[]
                {
                    LimitTables.Delete(partition, "m:" + l.Sequence, ETag.All),
                    LimitTables.Delete(partition, l.ReadyKey, ETag.All),
                }), cancellationToken);
            }
            done += leased.Count;
        }
        return done;
    }

    private sealed record Lease(string ReadyKey, string Sequence, string InvisibleKey);

    private static async Task<List<Lease>> LeaseAsync(TableClient table, string partition, int wanted, int receivers, int visibilitySeconds, CancellationToken cancellationToken)
    {
        var window = Math.Min(1000, Math.Max(wanted + 4, 2 * wanted * receivers));
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {"r:"} and RowKey lt {"r;"}");
        List<TableEntity> candidates = [];
        await foreach (var page in table.QueryAsync<TableEntity>(filter, window, ReadyColumns, cancellationToken).AsPages(pageSizeHint: window))
        {
            candidates = page.Values.Take(window).ToList();
            break;
        }
        var leased = new List<Lease>();
        var due = (DateTimeOffset.UtcNow.UtcTicks + TimeSpan.TicksPerSecond * visibilitySeconds).ToString("D19", CultureInfo.InvariantCulture);
        // As the service does: pick at random among the candidates; a pick lost to another receiver is replaced
        // by another candidate and the rest resubmitted (a failed EGT commits nothing).
        var pool = candidates.Count <= wanted ? candidates : candidates.OrderBy(_ => Random.Shared.Next()).ToList();
        for (var attempt = 0; attempt < MaxLeaseAttempts && leased.Count < wanted && pool.Count > 0; attempt++)
        {
            var picks = pool.Take(wanted - leased.Count).ToList();
            var leases = picks.Select(p => new Lease(p.RowKey, p.GetString("Seq"), $"v:{due}:{p.GetString("Seq")}:{Guid.NewGuid():N}")).ToList();
            var actions = picks.Zip(leases).SelectMany(pair =>
            {
                var (ready, lease) = pair;
                var invisible = new TableEntity(partition, lease.InvisibleKey)
                {
                    ["Seq"] = lease.Sequence, ["MessageId"] = ready.GetString("MessageId"), ["Rank"] = ready.GetInt32("Rank"),
                    ["DeliveryCount"] = (ready.GetInt32("DeliveryCount") ?? 0) + 1, ["EnqueuedAt"] = ready.GetInt64("EnqueuedAt"),
                    ["Size"] = ready.GetInt32("Size"), ["LeaseId"] = lease.InvisibleKey[^32..], ["VisibleUntil"] = long.Parse(due, CultureInfo.InvariantCulture),
                };
                return new[] { LimitTables.Delete(partition, ready.RowKey, ready.ETag), LimitTables.Add(invisible) };
            }).ToList();
            try
            {
                await table.SubmitTransactionAsync(actions, cancellationToken);
                leased.AddRange(leases);
                pool.RemoveRange(0, picks.Count);
            }
            catch (TableTransactionFailedException failed) when (failed.FailedTransactionActionIndex is int index)
            {
                pool.Remove(picks[index / 2]);
            }
            catch (RequestFailedException failed) when (failed.Status is 404 or 409 or 412)
            {
                break; // lost, and the store did not say which: give up this receive
            }
        }
        return leased;
    }
}
