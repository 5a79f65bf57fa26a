using Azure;
using Azure.Data.Tables;
using Serverless.Messages;
using static Serverless.Storage.Tables.MessageRows;

namespace Serverless.Storage.Tables;

/// <summary>Shard life (head row, emptiness, collecting a deleted incarnation) and the operator's views (peek, counts, purge).</summary>
public sealed partial class TableMessageStore
{
    private const int PurgePage = 1000;

    public Task CreatePartitionAsync(QueuePartition partition, CancellationToken cancellationToken = default) =>
        heads.CreateAsync(partition, cancellationToken);

    public Task<PartitionHeadState?> FencePartitionAsync(QueuePartition partition, CancellationToken cancellationToken = default) =>
        heads.RemoveAsync(partition, cancellationToken);

    public Task UnfencePartitionAsync(QueuePartition partition, PartitionHeadState? state, CancellationToken cancellationToken = default) =>
        heads.RestoreAsync(partition, state, cancellationToken);

    public async Task<bool> IsEmptyAsync(QueuePartition partition, CancellationToken cancellationToken = default)
    {
        foreach (var (from, to) in new[] { (ReadyFrom, ReadyTo), (InvisibleFrom, InvisibleTo), (MoveFrom, MoveTo) })
        {
            if ((await FirstPageAsync(RangeFilter(partition, from, to), 1, ["RowKey"], cancellationToken)).Count > 0) return false;
        }
        return true;
    }

    public async Task<bool> HasInFlightAsync(QueuePartition partition, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var filter = RangeFilter(partition, InvisibleDueBefore(now), InvisibleTo) + " and LeaseId ne ''";
        return (await FirstPageAsync(filter, 1, ["RowKey"], cancellationToken)).Count > 0;
    }

    public async Task<bool> DeleteIncarnationAsync(string vhost, string queue, string incarnation, int maxRows, CancellationToken cancellationToken = default)
    {
        var prefix = IncarnationPrefix(vhost, queue, incarnation);
        // Every partition key of the incarnation starts with the prefix, which ends in '|': the range ends just after it.
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {prefix} and PartitionKey lt {prefix[..^1] + (char)('|' + 1)}");
        var rows = await QueryAsync(filter, ["PartitionKey", "RowKey"], maxRows, cancellationToken);
        foreach (var partition in rows.GroupBy(r => r.PartitionKey))
        {
            await TableTransactions.SubmitAsync(table, partition.ToList(),
                r => [new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(r.PartitionKey, r.RowKey), ETag.All)],
                TableTransactions.GiveUp, cancellationToken);
        }
        return rows.Count < maxRows;
    }

    /// <summary>Peek. Invisible rows are keyed by when they are due, so the ones due now (ended leases, delayed messages
    /// whose time came) are the first of their range and count as ready; the rest are in flight or delayed.</summary>
    public async Task<IReadOnlyList<IndexEntry>> ListAsync(QueuePartition partition, IndexState state, int limit, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var dueBefore = InvisibleDueBefore(now);
        var filters = state switch
        {
            IndexState.Ready => [RangeFilter(partition, ReadyFrom, ReadyTo), RangeFilter(partition, InvisibleFrom, dueBefore)],
            IndexState.InFlight => [RangeFilter(partition, dueBefore, InvisibleTo) + " and LeaseId ne ''"],
            _ => new[] { RangeFilter(partition, dueBefore, InvisibleTo) + " and LeaseId eq ''" },
        };
        var entries = new List<IndexEntry>();
        foreach (var filter in filters)
        {
            entries.AddRange((await QueryAsync(filter, IndexWithContentColumns, limit, cancellationToken)).Select(ToIndexEntry)
                .Select(e => state == IndexState.Ready ? e with { State = IndexState.Ready } : e));
        }
        return entries.Take(limit).ToList();
    }

    public async Task<PartitionCounts> CountAsync(QueuePartition partition, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        long ready = 0, inFlight = 0, delayed = 0, bytes = 0;
        var dueBefore = InvisibleDueBefore(now);
        foreach (var filter in new[] { RangeFilter(partition, ReadyFrom, ReadyTo), RangeFilter(partition, InvisibleFrom, InvisibleTo) })
        {
            await foreach (var row in Query(filter, ["RowKey", "Size", "LeaseId"], cancellationToken))
            {
                var entry = ToIndexEntry(row);
                bytes += entry.Size;
                if (entry.State == IndexState.Ready || string.CompareOrdinal(row.RowKey, dueBefore) < 0) ready++;
                else if (entry.State == IndexState.InFlight) inFlight++;
                else delayed++;
            }
        }
        return new PartitionCounts(ready, inFlight, delayed, bytes);
    }

    /// <summary>Page by page, so a purge interrupted by a crash or a timeout is finished by the next one.</summary>
    public async Task<long> PurgeAsync(QueuePartition partition, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        long purged = 0;
        var filter = $"({RangeFilter(partition, ReadyFrom, ReadyTo)}) or ({RangeFilter(partition, InvisibleFrom, InvisibleDueBefore(now))}) "
            + $"or ({RangeFilter(partition, InvisibleFrom, InvisibleTo)} and LeaseId eq '')";
        while (true)
        {
            var page = (await FirstPageAsync(filter, PurgePage, IndexColumns, cancellationToken)).Select(ToIndexEntry).ToList();
            if (page.Count == 0) return purged;
            var removed = await RemoveAsync(partition, page, Disposal.Drop, cancellationToken);
            purged += removed;
            if (removed == 0) return purged;
        }
    }
}
