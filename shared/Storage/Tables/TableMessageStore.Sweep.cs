using Azure;
using Azure.Data.Tables;
using Serverless.Messages;
using static Serverless.Storage.Tables.MessageRows;

namespace Serverless.Storage.Tables;

/// <summary>The timer side, each O(due work): ended leases and due delayed messages back to ready, the expiry index,
/// pending moves, pruning of dedup rows, and counting a shard under new limits.</summary>
public sealed partial class TableMessageStore
{
    private const int PruneBatch = 1000;

    /// <summary>Invisible rows are keyed by when they are due (an extend moves its row), so the due ones are the first
    /// of the range: no row that is not due is read.</summary>
    public async Task<ReleaseResult> ReleaseDueAsync(QueuePartition partition, DateTimeOffset now, int deliveryLimit, int max, Disposal exhausted, CancellationToken cancellationToken = default)
    {
        var rows = await QueryAsync(RangeFilter(partition, InvisibleFrom, InvisibleDueBefore(now)), IndexWithContentColumns, max, cancellationToken);
        if (rows.Count == 0) return new ReleaseResult(0, 0);
        var due = rows.Select(r => new PendingRelease(ToIndexEntry(r))).ToList();
        var head = new HeadChange<PendingRelease>(heads, partition, fence: false,
            needsHead: chunk => partition.Limits is not null,
            delta: (p, signature) => p.Back is { Counted: { } counted } back && counted == signature && p.Entry.State == IndexState.InFlight ? (1, back.Size) : (0, 0),
            decide: (chunk, change) => { foreach (var p in chunk) p.Decide(change.CountedSignature, deliveryLimit); });
        var failed = await TableTransactions.SubmitAsync(table, due, p => p.Actions ??= p.Back is null
                ? Leave(partition, p.Entry, new ETag(p.Entry.ETag), exhausted, "delivery-limit").ToList()
                : ReleaseActions(partition, p.Entry, p.Back),
            TableTransactions.GiveUp, cancellationToken, head);
        var done = due.Except(failed.Select(f => f.Item)).ToList();
        return new ReleaseResult(done.Count(p => p.Back is not null), done.Count(p => p.Back is null));
    }

    private static List<TableTransactionAction> ReleaseActions(QueuePartition partition, IndexEntry entry, IndexEntry back)
    {
        var actions = new List<TableTransactionAction> { Delete(partition, entry.Key, new ETag(entry.ETag)), Add(Index(partition, back.Key, back)) };
        if (entry.Extended) actions.Add(Delete(partition, AliasKey(entry.Sequence, entry.LeaseId!), ETag.All));
        if (back.ExpiresAt is not null)
        {
            // A delayed message has its expiry row (re-pointed); a leased one gets it back.
            actions.Add(entry.State == IndexState.Delayed
                ? new TableTransactionAction(TableTransactionActionType.UpsertMerge, Expiry(partition, back, back.Key))
                : Add(Expiry(partition, back, back.Key)));
        }
        return actions;
    }

    public async Task<int> RemoveAsync(QueuePartition partition, IReadOnlyList<IndexEntry> entries, Disposal disposal, CancellationToken cancellationToken = default)
    {
        var why = disposal.RedriveTo is not null ? "redrive" : disposal.DeadLetterReason ?? "remove";
        if (entries.Count == 0) return 0;
        var head = HeadFor<IndexEntry>(partition, removed: e => e);
        var failed = await TableTransactions.SubmitAsync(table, entries, e => Leave(partition, e, new ETag(e.ETag), disposal, why).ToList(),
            TableTransactions.GiveUp, cancellationToken, head);
        return entries.Count - failed.Count;
    }

    /// <summary>Reads the due expiry rows, then the index rows they name (a point read each: what is read is due work).</summary>
    public async Task<IReadOnlyList<IndexEntry>> ListExpiredAsync(QueuePartition partition, DateTimeOffset now, int max, CancellationToken cancellationToken = default)
    {
        var due = await QueryAsync(RangeFilter(partition, ExpiryFrom, ExpiryDueBefore(now)), ["RowKey", "IndexKey"], max, cancellationToken);
        var rows = await Task.WhenAll(due.Select(e => GetRowAsync(partition, e.GetString("IndexKey") ?? "", IndexWithContentColumns, cancellationToken)));
        var entries = rows.Where(r => r is not null).Select(r => ToIndexEntry(r!)).Where(e => e.ExpiresAt <= now && e.State != IndexState.InFlight).ToList();
        // An expiry row whose index row is not there any more leads nowhere: remove it (a defect's leftover).
        var orphans = due.Where((e, i) => rows[i] is null).ToList();
        if (orphans.Count > 0)
        {
            await TableTransactions.SubmitAsync(table, orphans, e => [Delete(partition, e.RowKey, e.ETag)], TableTransactions.GiveUp, cancellationToken);
        }
        return entries;
    }

    public async Task<IReadOnlyList<PendingMove>> ListMovesAsync(QueuePartition partition, int max, CancellationToken cancellationToken = default) =>
        (await QueryAsync(RangeFilter(partition, MoveFrom, MoveTo), MoveColumns, max, cancellationToken)).Select(ToMove).ToList();

    public async Task<bool> FinishMoveAsync(QueuePartition partition, PendingMove move, CancellationToken cancellationToken = default)
    {
        var failed = await TableTransactions.SubmitAsync(table, [move], m => m.Entry.BodyRow
                ? [Delete(partition, m.Key, new ETag(m.ETag)), Delete(partition, BodyKey(m.Entry.Sequence), ETag.All)]
                : [Delete(partition, m.Key, new ETag(m.ETag))],
            TableTransactions.GiveUp, cancellationToken);
        return failed.Count == 0;
    }

    public async Task<int> PruneAsync(QueuePartition partition, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var expired = await QueryAsync(RangeFilter(partition, DedupFrom, DedupTo) + $" and ExpiresAt lt {now.UtcTicks}L", ["RowKey", "ExpiresAt"], PruneBatch, cancellationToken);
        // A dedup row is deleted only as read: one replaced meanwhile (a publish after its window) stays.
        var failed = await TableTransactions.SubmitAsync(table, expired, r => [Delete(partition, r.RowKey, r.ETag)], TableTransactions.GiveUp, cancellationToken);
        return expired.Count - failed.Count;
    }

    public async Task<int> CountUnderLimitsAsync(QueuePartition partition, int max, TimeSpan settle, CancellationToken cancellationToken = default)
    {
        if (partition.Limits is not { } limits) return 0;
        var head = await heads.ReadAsync(partition, cancellationToken);
        if (head is null) return 0;
        var started = time.GetUtcNow();
        if (head.Signature != limits.Signature) head = await heads.ResetAsync(partition, head, limits.Signature, started, cancellationToken);
        if (head is null || head.Complete || head.Signature != limits.Signature) return 0;
        var filter = $"({RangeFilter(partition, ReadyFrom, ReadyTo)}) or ({RangeFilter(partition, InvisibleFrom, InvisibleTo)} and LeaseId eq '')";
        var uncounted = new List<IndexEntry>();
        var scannedAll = true;
        await foreach (var row in Query(filter, IndexColumns, cancellationToken))
        {
            if (row.GetString("Counted") == limits.Signature) continue;
            if (uncounted.Count == max) { scannedAll = false; break; }
            uncounted.Add(ToIndexEntry(row));
        }
        if (uncounted.Count == 0)
        {
            if (scannedAll && started >= (head.Since ?? started) + settle) await heads.CompleteAsync(partition, head, cancellationToken);
            return 0;
        }
        var change = new HeadChange<IndexEntry>(heads, partition, fence: false, needsHead: _ => true,
            delta: (e, signature) => signature == limits.Signature ? (1, e.Size) : (0, 0));
        var failed = await TableTransactions.SubmitAsync(table, uncounted, e =>
            [new TableTransactionAction(TableTransactionActionType.UpdateMerge, new TableEntity(PartitionKey(partition), e.Key) { ["Counted"] = limits.Signature }, new ETag(e.ETag))],
            TableTransactions.GiveUp, cancellationToken, change);
        return uncounted.Count - failed.Count;
    }

    /// <summary>One due invisible row: <see cref="Back"/> is the ready row it becomes, or null when it leaves the queue
    /// (a lease that ended after the last allowed delivery).</summary>
    private sealed class PendingRelease(IndexEntry entry)
    {
        public IndexEntry Entry { get; } = entry;
        public IndexEntry? Back { get; private set; }
        public IReadOnlyList<TableTransactionAction>? Actions { get; set; }
        private bool decided;
        private string? signature;

        public void Decide(string? countedSignature, int deliveryLimit)
        {
            if (decided && signature == countedSignature) return;
            (decided, signature, Actions) = (true, countedSignature, null);
            var leased = Entry.State == IndexState.InFlight;
            Back = leased && Entry.DeliveryCount >= deliveryLimit ? null : Entry with
            {
                Key = ReadyKey(Entry.PriorityRank, Entry.Sequence),
                State = IndexState.Ready,
                LeaseId = null,
                VisibleUntil = null,
                // A lease that ended stays the receipt's until the message is leased again (a late ack still settles it).
                LastLeaseId = leased ? Entry.LeaseId : null,
                Extended = false,
                Counted = leased ? countedSignature : Entry.Counted,
            };
        }
    }
}
