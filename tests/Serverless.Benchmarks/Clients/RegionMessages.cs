using Azure.Data.Tables;

namespace Serverless.Benchmarks.Clients;

/// <summary>One region's message rows read directly (Azure.Data.Tables, not through the service), in the layout of
/// shared/Storage/Tables/MessageRows.cs: a queue incarnation's partitions are <c>{vhost}|{queue}|{incarnation}|{shard}</c>
/// and a ready message lives in an index row <c>r:{rank}:{seq}</c> carrying its <c>MessageId</c>.</summary>
public sealed class RegionMessages
{
    private const string Vhost = "default";

    // Azurite evaluates a filter row by row; a few dozen ids per query keep it short and the URL small.
    private const int IdsPerQuery = 40;

    private readonly TableClient messages;
    private readonly string partitionFrom;
    private readonly string partitionTo;

    private RegionMessages(TableClient messages, string incarnationPrefix)
    {
        this.messages = messages;
        partitionFrom = incarnationPrefix;
        partitionTo = incarnationPrefix[..^1] + (char)(incarnationPrefix[^1] + 1);
    }

    /// <summary>The rows of <paramref name="queue"/>'s current incarnation in the region of <paramref name="connectionString"/>;
    /// the incarnation is read from <paramref name="metadataConnectionString"/>'s <c>Metadata</c> table (the primary's, where
    /// the declare wrote it).</summary>
    public static async Task<RegionMessages> OpenAsync(string connectionString, string metadataConnectionString, string queue, CancellationToken cancellationToken)
    {
        var metadata = new TableClient(metadataConnectionString, "Metadata");
        var row = await metadata.GetEntityAsync<TableEntity>("queue|" + Vhost, queue, ["Incarnation"], cancellationToken);
        var incarnation = row.Value.GetString("Incarnation") ?? throw new InvalidOperationException($"Queue {queue} has no incarnation in its metadata row.");
        return new RegionMessages(new TableClient(connectionString, "Messages"), $"{Vhost}|{queue}|{incarnation}|");
    }

    /// <summary>Which of <paramref name="messageIds"/> have a ready index row in this region (queried a few dozen at a time).</summary>
    public async Task<IReadOnlyList<string>> ReadyAmongAsync(IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken)
    {
        var found = new List<string>();
        foreach (var chunk in messageIds.Chunk(IdsPerQuery))
        {
            var ids = string.Join(" or ", chunk.Select(id => TableClient.CreateQueryFilter($"MessageId eq {id}")));
            await foreach (var row in messages.QueryAsync<TableEntity>($"{ReadyRange()} and ({ids})", select: ["MessageId"], cancellationToken: cancellationToken))
            {
                found.Add(row.GetString("MessageId"));
            }
        }
        return found;
    }

    /// <summary>How many ready messages the region holds for the queue.</summary>
    public async Task<long> CountReadyAsync(CancellationToken cancellationToken)
    {
        long count = 0;
        await foreach (var _ in messages.QueryAsync<TableEntity>(ReadyRange(), maxPerPage: 1000, select: ["RowKey"], cancellationToken: cancellationToken)) count++;
        return count;
    }

    private string ReadyRange() => TableClient.CreateQueryFilter(
        $"PartitionKey ge {partitionFrom} and PartitionKey lt {partitionTo} and RowKey ge {"r:"} and RowKey lt {"r;"}");
}
