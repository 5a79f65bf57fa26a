using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;

namespace Serverless.Testing;

/// <summary>Compares the logical contents of the two regions' table stores, as a promoted secondary would serve them:
/// <list type="bullet">
/// <item>every <c>Metadata</c> row (by its keys and its own properties), but the replication state rows
/// (partition <c>replication|*</c>) that each region keeps for itself;</item>
/// <item>in each message partition (<c>{vhost}|{queue}|{incarnation}|{shard}</c>) of a live queue, and any other the
/// stores hold of an incarnation not in the graveyard: the live messages by sequence, with their content and the index
/// facts that leases and time do not change (a message leased on the primary is the ready one of the secondary; a
/// delayed message released on the primary may still be delayed there), and the dedup entries whose window is open.</item>
/// </list>
/// Everything else is bookkeeping that legitimately differs: head rows, change rows (the outbox), lease aliases, expiry
/// and pending-move rows, the secondary's anchors and tombstones, the region marker partition.
/// <para>Reads are range queries per partition, paged; a partition's body rows are reduced to digests as they stream,
/// so the memory used is that of one partition's message index, whatever the bodies weigh.</para></summary>
public static class ConsistencyChecker
{
    private const string MetadataTable = "Metadata", MessagesTable = "Messages";
    private const string ReplicationStatePartition = "replication|*", GraveyardPartition = "graveyard|*", RegionMarkerPartition = "~region";
    private const string QueuePartitionPrefix = "queue|";
    private const int PageSize = 1000, PartitionsAtOnce = 4;
    private static readonly string[] SystemProperties = ["PartitionKey", "RowKey", "odata.etag", "Timestamp"];

    /// <summary>Compares the stores of two storage accounts given by connection string (Azurite's, say).</summary>
    public static Task<ConsistencyReport> CompareAsync(string primaryConnectionString, string secondaryConnectionString, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(primaryConnectionString);
        ArgumentException.ThrowIfNullOrWhiteSpace(secondaryConnectionString);
        return CompareAsync(new TableServiceClient(primaryConnectionString), new TableServiceClient(secondaryConnectionString), cancellationToken);
    }

    /// <summary>Compares the primary region's store with the secondary's. Missing: held by the primary only; extra: by
    /// the secondary only; different: held by both with different contents.</summary>
    public static async Task<ConsistencyReport> CompareAsync(TableServiceClient primary, TableServiceClient secondary, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(primary);
        ArgumentNullException.ThrowIfNull(secondary);
        // One instant for both sides: a dedup entry is live on both or on neither.
        var now = DateTimeOffset.UtcNow;
        var result = new Findings();

        var primaryMetadata = ReadMetadataAsync(primary.GetTableClient(MetadataTable), cancellationToken);
        var secondaryMetadata = ReadMetadataAsync(secondary.GetTableClient(MetadataTable), cancellationToken);
        var metadata = (Primary: await primaryMetadata, Secondary: await secondaryMetadata);
        var metadataRows = CompareMetadata(metadata.Primary, metadata.Secondary, result);

        var primaryMessages = primary.GetTableClient(MessagesTable);
        var secondaryMessages = secondary.GetTableClient(MessagesTable);
        var buried = BuriedIncarnations(metadata.Primary).Concat(BuriedIncarnations(metadata.Secondary)).ToHashSet(StringComparer.Ordinal);
        var stored = await Task.WhenAll(ListPartitionsAsync(primaryMessages, cancellationToken), ListPartitionsAsync(secondaryMessages, cancellationToken));
        var partitions = LivePartitions(metadata.Primary).Concat(stored[0]).Concat(stored[1])
            .Where(p => p != RegionMarkerPartition && !buried.Contains(IncarnationOf(p)))
            .ToHashSet(StringComparer.Ordinal);

        int messages = 0, dedupEntries = 0;
        await Parallel.ForEachAsync(partitions, new ParallelOptions { MaxDegreeOfParallelism = PartitionsAtOnce, CancellationToken = cancellationToken }, async (partition, token) =>
        {
            var sides = await Task.WhenAll(ReadPartitionAsync(primaryMessages, partition, now, token), ReadPartitionAsync(secondaryMessages, partition, now, token));
            var (compared, dedup) = ComparePartition(partition, sides[0], sides[1], result);
            Interlocked.Add(ref messages, compared);
            Interlocked.Add(ref dedupEntries, dedup);
        });

        return result.Report(new ComparedItems(metadataRows, partitions.Count, messages, dedupEntries));
    }

    private static int CompareMetadata(Dictionary<(string, string), TableEntity> primary, Dictionary<(string, string), TableEntity> secondary, Findings result)
    {
        var keys = primary.Keys.Union(secondary.Keys).ToList();
        foreach (var key in keys)
        {
            var item = $"metadata {key.Item1}/{key.Item2}";
            var mine = primary.GetValueOrDefault(key);
            var theirs = secondary.GetValueOrDefault(key);
            if (theirs is null) result.Missing.Add(new Difference(item));
            else if (mine is null) result.Extra.Add(new Difference(item));
            else if (PropertyDifferences(mine, theirs) is { Count: > 0 } fields) result.Different.Add(new Difference(item, fields));
        }
        return keys.Count;
    }

    private static List<FieldDifference> PropertyDifferences(TableEntity primary, TableEntity secondary)
    {
        var mine = Properties(primary);
        var theirs = Properties(secondary);
        return mine.Keys.Union(theirs.Keys).Order(StringComparer.Ordinal)
            .Select(name => (name, Primary: mine.GetValueOrDefault(name), Secondary: theirs.GetValueOrDefault(name)))
            .Where(p => !string.Equals(p.Primary, p.Secondary, StringComparison.Ordinal))
            .Select(p => FieldDifference.Between(p.name, p.Primary, p.Secondary))
            .ToList();
    }

    /// <summary>A row's own properties as text; a property without a value is no property.</summary>
    private static Dictionary<string, string> Properties(TableEntity row) =>
        row.Where(p => !SystemProperties.Contains(p.Key) && !p.Key.Contains("@odata.", StringComparison.Ordinal))
            .Select(p => (p.Key, Value: StoredValue.Text(p.Value)))
            .Where(p => p.Value is not null)
            .ToDictionary(p => p.Key, p => p.Value!, StringComparer.Ordinal);

    private static (int Messages, int DedupEntries) ComparePartition(string partition, PartitionContents primary, PartitionContents secondary, Findings result)
    {
        var name = partition.Replace('|', '/');
        var sequences = primary.Messages.Keys.Union(secondary.Messages.Keys).ToList();
        foreach (var sequence in sequences)
        {
            var item = $"message {name} seq={sequence}";
            var mine = primary.Messages.GetValueOrDefault(sequence);
            var theirs = secondary.Messages.GetValueOrDefault(sequence);
            if (theirs is null) result.Missing.Add(new Difference(item));
            else if (mine is null) result.Extra.Add(new Difference(item));
            else if (mine.Compare(theirs) is { Count: > 0 } fields) result.Different.Add(new Difference(item, fields));
        }
        var dedupKeys = primary.Dedup.Keys.Union(secondary.Dedup.Keys).ToList();
        foreach (var key in dedupKeys)
        {
            var item = $"dedup {name} {DedupName(key)}";
            var mine = primary.Dedup.GetValueOrDefault(key);
            var theirs = secondary.Dedup.GetValueOrDefault(key);
            if (!secondary.Dedup.ContainsKey(key)) result.Missing.Add(new Difference(item));
            else if (!primary.Dedup.ContainsKey(key)) result.Extra.Add(new Difference(item));
            else if (!string.Equals(mine, theirs, StringComparison.Ordinal)) result.Different.Add(new Difference(item, [FieldDifference.Between("ExpiresAt", mine, theirs)]));
        }
        return (sequences.Count, dedupKeys.Count);
    }

    /// <summary>A dedup row's key is <c>d:</c> and the base64url of the client's message id: named by the id when it decodes.</summary>
    private static string DedupName(string rowKey)
    {
        try
        {
            return "messageId=" + Encoding.UTF8.GetString(Base64Url.DecodeFromChars(rowKey.AsSpan(2)));
        }
        catch (FormatException)
        {
            return "key=" + rowKey;
        }
    }

    /// <summary>One region's live messages and open dedup entries of a partition: four range queries (ready, invisible,
    /// body and dedup rows), paged, each row reduced as it arrives.</summary>
    private static async Task<PartitionContents> ReadPartitionAsync(TableClient table, string partition, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var ready = ReadRangeAsync(table, partition, "r:", "r;", null, StoredMessage.FromIndexRow, cancellationToken);
        var invisible = ReadRangeAsync(table, partition, "v:", "v;", null, StoredMessage.FromIndexRow, cancellationToken);
        var bodies = ReadRangeAsync(table, partition, "m:", "m;", null, row => (Sequence: row.RowKey[2..], Content: StoredMessage.ContentOf(row)), cancellationToken);
        var dedup = ReadRangeAsync(table, partition, "d:", "d;", ["RowKey", "ExpiresAt"], row => (row.RowKey, ExpiresAt: row.TryGetValue("ExpiresAt", out var at) ? at : null), cancellationToken);

        var messages = new Dictionary<string, StoredMessage>(StringComparer.Ordinal);
        foreach (var message in (await ready).Concat(await invisible))
        {
            if (messages.TryGetValue(message.Sequence, out var known)) known.AlsoIndexed();
            else messages[message.Sequence] = message;
        }
        var content = (await bodies).ToDictionary(b => b.Sequence, b => b.Content, StringComparer.Ordinal);
        foreach (var message in messages.Values.Where(m => m.BodyRow)) message.WithBody(content.GetValueOrDefault(message.Sequence));
        var open = (await dedup)
            .Where(d => StoredValue.Instant(d.ExpiresAt) > now)
            .ToDictionary(d => d.RowKey, d => StoredValue.Time(d.ExpiresAt), StringComparer.Ordinal);
        return new PartitionContents(messages, open);
    }

    private static async Task<List<T>> ReadRangeAsync<T>(TableClient table, string partition, string from, string to, string[]? select, Func<TableEntity, T> reduce, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {from} and RowKey lt {to}");
        var rows = new List<T>();
        await foreach (var row in QueryAsync(table, filter, select, PageSize, cancellationToken)) rows.Add(reduce(row));
        return rows;
    }

    private static async Task<Dictionary<(string, string), TableEntity>> ReadMetadataAsync(TableClient table, CancellationToken cancellationToken)
    {
        var rows = new Dictionary<(string, string), TableEntity>();
        await foreach (var row in QueryAsync(table, null, null, PageSize, cancellationToken))
        {
            if (row.PartitionKey != ReplicationStatePartition) rows[(row.PartitionKey, row.RowKey)] = row;
        }
        return rows;
    }

    /// <summary>Every partition key of a table, one request each: the first row after the last key found, its partition
    /// key only. Bounded by the number of partitions, not of rows.</summary>
    private static async Task<List<string>> ListPartitionsAsync(TableClient table, CancellationToken cancellationToken)
    {
        var partitions = new List<string>();
        for (string? last = null; ;)
        {
            var filter = last is null ? null : TableClient.CreateQueryFilter($"PartitionKey gt {last}");
            string? next = null;
            await foreach (var row in QueryAsync(table, filter, ["PartitionKey"], 1, cancellationToken))
            {
                next = row.PartitionKey;
                break;
            }
            if (next is null) return partitions;
            partitions.Add(next);
            last = next;
        }
    }

    /// <summary>A table query; a table that does not exist (a region never started, or wiped) reads as empty.</summary>
    private static async IAsyncEnumerable<TableEntity> QueryAsync(TableClient table, string? filter, string[]? select, int pageSize,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var rows = table.QueryAsync<TableEntity>(filter, pageSize, select, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                try
                {
                    if (!await rows.MoveNextAsync()) yield break;
                }
                catch (RequestFailedException missing) when (missing.Status == 404)
                {
                    yield break;
                }
                yield return rows.Current;
            }
        }
        finally
        {
            await rows.DisposeAsync();
        }
    }

    /// <summary>The message partitions of every queue the primary holds: <c>{vhost}|{queue}|{incarnation}|{shard:D2}</c>
    /// for each of its shards (argument <c>shards</c>, 1 by default).</summary>
    private static IEnumerable<string> LivePartitions(Dictionary<(string, string), TableEntity> metadata) =>
        metadata.Values
            .Where(row => row.PartitionKey.StartsWith(QueuePartitionPrefix, StringComparison.Ordinal) && row.GetString("Incarnation") is { Length: > 0 })
            .SelectMany(row => Enumerable.Range(0, ShardsOf(row))
                .Select(shard => $"{row.PartitionKey[QueuePartitionPrefix.Length..]}|{row.RowKey}|{row.GetString("Incarnation")}|{shard:D2}"));

    private static int ShardsOf(TableEntity queue)
    {
        using var arguments = JsonDocument.Parse(queue.GetString("Arguments") is { Length: > 0 } json ? json : "{}");
        return arguments.RootElement.ValueKind == JsonValueKind.Object
            && arguments.RootElement.TryGetProperty("shards", out var shards) && shards.TryGetInt32(out var count) && count > 0 ? count : 1;
    }

    /// <summary>Deleted incarnations waiting to be collected: graveyard records keyed <c>{vhost}|{queue}|{incarnation}</c>.</summary>
    private static IEnumerable<string> BuriedIncarnations(Dictionary<(string, string), TableEntity> metadata) =>
        metadata.Keys.Where(key => key.Item1 == GraveyardPartition).Select(key => key.Item2);

    /// <summary>A message partition's key without its shard: <c>{vhost}|{queue}|{incarnation}</c>.</summary>
    private static string IncarnationOf(string partition)
    {
        var shardAt = partition.LastIndexOf('|');
        return shardAt < 0 ? partition : partition[..shardAt];
    }

    private sealed record PartitionContents(Dictionary<string, StoredMessage> Messages, Dictionary<string, string?> Dedup);

    /// <summary>Differences found, collected from partitions compared in parallel.</summary>
    private sealed class Findings
    {
        public ConcurrentBag<Difference> Missing { get; } = [];
        public ConcurrentBag<Difference> Extra { get; } = [];
        public ConcurrentBag<Difference> Different { get; } = [];

        public ConsistencyReport Report(ComparedItems compared) => new(Sorted(Missing), Sorted(Extra), Sorted(Different), compared);

        private static List<Difference> Sorted(IEnumerable<Difference> items) => items.OrderBy(d => d.Item, StringComparer.Ordinal).ToList();
    }
}
