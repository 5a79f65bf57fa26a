using System.Globalization;
using Azure.Core;
using Azure.Data.Tables;
using Serverless.Storage;

namespace Serverless.Benchmarks.Clients;

/// <summary>Raw Azure.Data.Tables against the same two Azurite regions the service uses, doing only the
/// storage work a message needs in the layout of shared/Storage/Tables/MessageRows.cs: the "limit" the
/// service is measured against. Requests are counted with the service's own <see cref="StorageRequestCounter"/>.</summary>
public sealed class LimitTables
{
    public const int MaxActions = 100;
    private const int BodyChunk = 64 * 1024;

    /// <summary>As the service's <c>MessageRows.InlineContentMaxBytes</c>.</summary>
    public const int InlineContentMaxBytes = 4 * 1024;
    private readonly string body;
    private readonly byte[] bodyBytes;

    public LimitTables(string primaryConnectionString, string secondaryConnectionString, int messageSize)
    {
        Primary = new TableServiceClient(primaryConnectionString, Options(Counter));
        Secondary = new TableServiceClient(secondaryConnectionString, Options(Counter));
        body = Payload.Body(messageSize);
        bodyBytes = System.Text.Encoding.UTF8.GetBytes(body);
    }

    public StorageRequestCounter Counter { get; } = new();
    public TableServiceClient Primary { get; }
    public TableServiceClient Secondary { get; }

    public Load.RequestCount Requests => _ => Task.FromResult(Counter.Count);

    /// <summary>A fresh table in both regions (each scenario gets its own, so no rows of another are scanned).</summary>
    public async Task<(TableClient Primary, TableClient Secondary)> CreateTablesAsync(string name, CancellationToken cancellationToken)
    {
        var tables = (Primary.GetTableClient(name), Secondary.GetTableClient(name));
        await tables.Item1.CreateIfNotExistsAsync(cancellationToken);
        await tables.Item2.CreateIfNotExistsAsync(cancellationToken);
        return tables;
    }

    public async Task DeleteTablesAsync(string name, CancellationToken cancellationToken)
    {
        await Primary.DeleteTableAsync(name, cancellationToken);
        await Secondary.DeleteTableAsync(name, cancellationToken);
    }

    public static string Partition(int shard) => $"default|bench|{shard.ToString("D2", CultureInfo.InvariantCulture)}";

    public static string NewSequence() =>
        DateTimeOffset.UtcNow.UtcTicks.ToString("D19", CultureInfo.InvariantCulture) + Guid.NewGuid().ToString("N")[..10];

    /// <summary>The rows a publish writes per message: message, ready index (carrying a copy of a small
    /// message, as the service's does), and in the primary the replication outbox row (DESIGN.md, invariant 1).
    /// No dedup row: the benchmark's messages have no client-chosen id, and the service writes none for those.
    /// The secondary of a sync queue gets the first two.</summary>
    public IEnumerable<TableTransactionAction> PublishActions(string partition, string sequence, bool primary)
    {
        var now = DateTimeOffset.UtcNow.UtcTicks;
        var messageId = Guid.NewGuid().ToString("N");
        var message = new TableEntity(partition, "m:" + sequence)
        {
            ["MessageId"] = messageId, ["BodyEncoding"] = "Utf8", ["BodyLength"] = body.Length, ["Priority"] = 0,
            ["Exchange"] = "", ["RoutingKey"] = "bench", ["EnqueuedAt"] = now,
        };
        var ready = new TableEntity(partition, "r:9:" + sequence)
        {
            ["Seq"] = sequence, ["MessageId"] = messageId, ["Rank"] = 9, ["DeliveryCount"] = 0, ["EnqueuedAt"] = now,
            ["Size"] = body.Length, ["LeaseId"] = "",
        };
        for (var chunk = 0; chunk * BodyChunk < bodyBytes.Length; chunk++)
        {
            message["Body" + chunk] = bodyBytes.AsSpan(chunk * BodyChunk, Math.Min(BodyChunk, bodyBytes.Length - chunk * BodyChunk)).ToArray();
        }
        if (bodyBytes.Length <= InlineContentMaxBytes)
        {
            foreach (var (name, value) in message.Where(p => p.Key is not ("PartitionKey" or "RowKey" or "odata.etag" or "Timestamp"))) ready[name] = value;
        }
        yield return Add(message);
        yield return Add(ready);
        if (primary) yield return Add(new TableEntity(partition, "o:1:" + sequence) { ["Seq"] = sequence, ["Op"] = "publish" });
    }

    /// <summary>Publishes <paramref name="count"/> messages, all rows of a message in one EGT, as few EGTs as
    /// the 100-action and ~4 MiB limits allow: the primary first, then, for a sync queue, the secondary (as
    /// replication will).</summary>
    public async Task PublishAsync((TableClient Primary, TableClient Secondary) tables, int shards, int count, bool sync, CancellationToken cancellationToken)
    {
        var messages = Enumerable.Range(0, count).Select(_ => (Partition: Partition(Random.Shared.Next(shards)), Sequence: NewSequence())).ToList();
        foreach (var primary in sync ? [true, false] : new[] { true })
        {
            var table = primary ? tables.Primary : tables.Secondary;
            var rowsPerMessage = primary ? 3 : 2;
            var bytesPerMessage = (bodyBytes.Length <= InlineContentMaxBytes ? 2 : 1) * (bodyBytes.Length * 4 / 3 + 1024);
            var perTransaction = Math.Min(MaxActions / rowsPerMessage, Math.Max(1, 3_000_000 / bytesPerMessage));
            foreach (var partition in messages.GroupBy(m => m.Partition))
            {
                foreach (var chunk in partition.Chunk(perTransaction))
                {
                    await table.SubmitTransactionAsync(chunk.SelectMany(m => PublishActions(m.Partition, m.Sequence, primary)), cancellationToken);
                }
            }
        }
    }

    public static TableTransactionAction Add(TableEntity entity) => new(TableTransactionActionType.Add, entity);

    public static TableTransactionAction Delete(string partition, string rowKey, Azure.ETag etag) =>
        new(TableTransactionActionType.Delete, new TableEntity(partition, rowKey), etag);

    private static TableClientOptions Options(StorageRequestCounter counter)
    {
        var options = new TableClientOptions();
        options.Diagnostics.IsLoggingEnabled = false;
        options.Diagnostics.IsDistributedTracingEnabled = false;
        options.AddPolicy(counter, HttpPipelinePosition.PerRetry);
        return options;
    }
}
