using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using Serverless.Messages;
using static Serverless.Storage.Tables.MessageRows;

namespace Serverless.Storage.Tables;

/// <summary><see cref="IMessageStore"/> on one region's <c>Messages</c> table; the row layout is in <see cref="MessageRows"/>.</summary>
public sealed class TableMessageStore(TableClient table, TimeProvider time) : IMessageStore
{
    private const int EntriesPerSettleTransaction = TableTransactions.MaxActions / 2;

    public TableMessageStore(StorageRegion region, TimeProvider time) : this(region.Messages, time) { }

    public async Task<IReadOnlyList<AppendStatus>> AppendAsync(QueuePartition partition, IReadOnlyList<MessageToStore> messages, CancellationToken cancellationToken = default)
    {
        var pending = messages.Select(m => new PendingAppend(m)).ToList();
        var now = time.GetUtcNow();
        var givenUp = await TableTransactions.SubmitAsync(table, pending, p => AppendActions(partition, p), async (p, failure) =>
        {
            var failedDedupRow = failure.Status is 409 or 412 && p.Message.DeduplicateUntil is not null
                && await DedupRowExpiredAsync(partition, p, now, cancellationToken);
            if (failedDedupRow) return true; // retry, replacing the expired dedup row
            p.Status = failure.Status == 409 && await MessageExistsAsync(partition, p.Message.Sequence, cancellationToken)
                ? AppendStatus.Enqueued // an earlier attempt of this very append committed
                : AppendStatus.Duplicate;
            return false;
        }, cancellationToken);
        foreach (var (item, failure) in givenUp)
        {
            if (failure.Status is not (409 or 412)) throw StorageErrors.Translate(failure) ?? failure;
        }
        return pending.Select(p => p.Status).ToList();
    }

    private sealed class PendingAppend(MessageToStore message)
    {
        public MessageToStore Message { get; } = message;
        public AppendStatus Status { get; set; } = AppendStatus.Enqueued;
        public ETag? ExpiredDedupRow { get; set; }
        public IReadOnlyList<TableTransactionAction>? Actions { get; set; }
    }

    private static IReadOnlyList<TableTransactionAction> AppendActions(QueuePartition partition, PendingAppend pending)
    {
        var m = pending.Message;
        if (pending.Actions is not null && pending.ExpiredDedupRow is null) return pending.Actions;
        var entry = new IndexEntry
        {
            Key = "",
            ETag = "",
            Sequence = m.Sequence,
            MessageId = m.Content.MessageId,
            PriorityRank = m.PriorityRank,
            EnqueuedAt = m.Content.EnqueuedAt,
            ExpiresAt = m.ExpiresAt,
            Size = m.Content.Body.Length,
            State = IndexState.Ready,
        };
        var message = MessageRows.Message(partition, m.Sequence, m.Content);
        var readyKey = ReadyKey(m.PriorityRank, m.Sequence);
        var indexRow = m.VisibleAt is { } visibleAt && visibleAt > m.Content.EnqueuedAt
            ? Index(partition, InvisibleKey(visibleAt.UtcTicks, m.Sequence, ""), entry)
            : ReadyWithContent(partition, readyKey, entry, message) ?? Index(partition, readyKey, entry);
        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.Add, message),
            new(TableTransactionActionType.Add, indexRow),
        };
        if (m.DeduplicateUntil is { } until)
        {
            var dedup = new TableEntity(PartitionKey(partition), DedupKey(m.DeduplicationKey))
            {
                ["Seq"] = m.Sequence,
                ["ExpiresAt"] = until.UtcTicks,
            };
            actions.Add(pending.ExpiredDedupRow is { } etag
                ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, dedup, etag)
                : new TableTransactionAction(TableTransactionActionType.Add, dedup));
        }
        pending.Actions = actions;
        return actions;
    }

    private async Task<bool> DedupRowExpiredAsync(QueuePartition partition, PendingAppend pending, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var row = await GetRowAsync(partition, DedupKey(pending.Message.DeduplicationKey), null, cancellationToken);
        if (row is null || Time(row, "ExpiresAt") is not { } expiresAt || expiresAt > now) return false;
        pending.ExpiredDedupRow = row.ETag;
        pending.Actions = null;
        return true;
    }

    private async Task<bool> MessageExistsAsync(QueuePartition partition, string sequence, CancellationToken cancellationToken) =>
        await GetRowAsync(partition, MessageKey(sequence), ["RowKey"], cancellationToken) is not null;

    public async Task<IReadOnlyList<IndexEntry>> ListReadyAsync(QueuePartition partition, int take, CancellationToken cancellationToken = default)
    {
        var rows = await FirstPageAsync(RangeFilter(partition, ReadyFrom, ReadyTo), take, ReadyColumns, cancellationToken);
        return rows.Select(r => ToIndexEntry(r)).ToList();
    }

    public async Task<IReadOnlyList<IndexEntry>> ScanReadyAsync(QueuePartition partition, int max, CancellationToken cancellationToken = default)
    {
        var result = new List<IndexEntry>();
        if (max <= 0) return result;
        await foreach (var row in Query(RangeFilter(partition, ReadyFrom, ReadyTo), IndexColumns, cancellationToken))
        {
            result.Add(ToIndexEntry(row));
            if (result.Count >= max) break;
        }
        return result;
    }

    public async Task<LeaseAttempt> LeaseAsync(QueuePartition partition, IReadOnlyList<IndexEntry> picks, DateTimeOffset visibleUntil, CancellationToken cancellationToken = default)
    {
        var leases = picks.Select(entry =>
        {
            var token = new LeaseToken(entry.Sequence, entry.PriorityRank, visibleUntil.UtcTicks, NewLeaseId());
            return new LeasedEntry(entry with { DeliveryCount = entry.DeliveryCount + 1, LeaseId = token.LeaseId, VisibleUntil = visibleUntil, LastLeaseId = null, State = IndexState.InFlight }, token, visibleUntil);
        }).ToList();
        var lost = await TableTransactions.SubmitAsync(table, leases, lease =>
        [
            new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(PartitionKey(partition), ReadyKey(lease.Token.PriorityRank, lease.Token.Sequence)), new ETag(picks.First(p => p.Sequence == lease.Token.Sequence).ETag)),
            new TableTransactionAction(TableTransactionActionType.Add, Index(partition, InvisibleKey(lease.Token), lease.Entry)),
        ], TableTransactions.GiveUp, cancellationToken);
        var lostSequences = lost.Select(l => l.Item.Token.Sequence).ToHashSet();
        return new LeaseAttempt(
            leases.Where(l => !lostSequences.Contains(l.Token.Sequence)).ToList(),
            picks.Where(p => lostSequences.Contains(p.Sequence)).ToList());
    }

    public async Task<IReadOnlyList<MessageContent?>> ReadAsync(QueuePartition partition, IReadOnlyList<string> sequences, CancellationToken cancellationToken = default)
    {
        var rows = await Task.WhenAll(sequences.Select(s => GetRowAsync(partition, MessageKey(s), null, cancellationToken)));
        return rows.Select(r => r is null ? null : ToContent(r)).ToList();
    }

    public async Task<int> RemoveAsync(QueuePartition partition, IReadOnlyList<IndexEntry> entries, Disposal disposal, CancellationToken cancellationToken = default)
    {
        var failed = await TableTransactions.SubmitAsync(table, entries, e => Leave(partition, e, new ETag(e.ETag), disposal),
            TableTransactions.GiveUp, cancellationToken);
        return entries.Count - failed.Count;
    }

    /// <summary>A message leaves its queue's index: dropped (message row deleted with it) or moved
    /// (a pending-move row takes the index row's place in the same transaction).</summary>
    private static TableTransactionAction[] Leave(QueuePartition partition, IndexEntry entry, ETag indexETag, Disposal disposal) =>
    [
        Delete(partition, entry.Key, indexETag),
        disposal.Moves
            ? new TableTransactionAction(TableTransactionActionType.Add, MessageRows.Move(partition, entry, disposal))
            : Delete(partition, MessageKey(entry.Sequence), ETag.All),
    ];

    public async Task<IReadOnlyList<IndexEntry>> ListExpiredAsync(QueuePartition partition, DateTimeOffset now, TimeSpan? queueTtl, int max, CancellationToken cancellationToken = default)
    {
        var expiry = $"ExpiresAt le {now.UtcTicks}L" + (queueTtl is { } ttl ? $" or EnqueuedAt le {(now - ttl).UtcTicks}L" : "");
        var filter = $"(({RangeFilter(partition, ReadyFrom, ReadyTo)}) or ({RangeFilter(partition, InvisibleFrom, InvisibleTo)} and LeaseId eq '')) and ({expiry})";
        var result = new List<IndexEntry>();
        await foreach (var row in Query(filter, IndexColumns, cancellationToken))
        {
            result.Add(ToIndexEntry(row));
            if (result.Count == max) break;
        }
        return result;
    }

    public async Task<IReadOnlyList<PendingMove>> ListMovesAsync(QueuePartition partition, int max, CancellationToken cancellationToken = default)
    {
        var result = new List<PendingMove>();
        await foreach (var row in Query(RangeFilter(partition, MoveFrom, MoveTo), MoveColumns, cancellationToken))
        {
            result.Add(ToMove(row));
            if (result.Count == max) break;
        }
        return result;
    }

    public async Task<bool> FinishMoveAsync(QueuePartition partition, PendingMove move, CancellationToken cancellationToken = default)
    {
        var failed = await TableTransactions.SubmitAsync(table, [move], m =>
            [Delete(partition, m.Key, new ETag(m.ETag)), Delete(partition, MessageKey(m.Entry.Sequence), ETag.All)],
            TableTransactions.GiveUp, cancellationToken);
        return failed.Count == 0;
    }

    public async Task<ReleaseResult> ReleaseDueAsync(QueuePartition partition, DateTimeOffset now, int deliveryLimit, int max, Disposal exhausted, CancellationToken cancellationToken = default)
    {
        var due = new List<IndexEntry>();
        var filter = RangeFilter(partition, InvisibleFrom, InvisibleDueBefore(now));
        await foreach (var row in Query(filter, IndexColumns, cancellationToken))
        {
            var entry = ToIndexEntry(row);
            // An extended lease keeps its key (the receipt names it) but not its end: skip it until then.
            if (entry.VisibleUntil is { } until && until > now) continue;
            due.Add(entry);
            if (due.Count == max) break;
        }
        if (due.Count == 0) return new ReleaseResult(0, 0);
        bool Exhausted(IndexEntry e) => e.LeaseId is not null && e.DeliveryCount >= deliveryLimit;
        var failed = await TableTransactions.SubmitAsync(table, due, e => Exhausted(e)
            ? Leave(partition, e, new ETag(e.ETag), exhausted)
            : [
                Delete(partition, e.Key, new ETag(e.ETag)),
                new TableTransactionAction(TableTransactionActionType.Add, Index(partition, ReadyKey(e.PriorityRank, e.Sequence),
                    e with { LeaseId = null, VisibleUntil = null, LastLeaseId = e.LeaseId, State = IndexState.Ready })),
            ], TableTransactions.GiveUp, cancellationToken);
        var done = due.Except(failed.Select(f => f.Item)).ToList();
        return new ReleaseResult(done.Count(e => !Exhausted(e)), done.Count(Exhausted));
    }

    public async Task<IReadOnlyList<SettleOutcome>> AckAsync(QueuePartition partition, IReadOnlyList<LeaseToken> tokens, CancellationToken cancellationToken = default)
    {
        var distinct = tokens.Distinct().ToList();
        var failed = await TableTransactions.SubmitAsync(table, distinct, t =>
        [
            Delete(partition, InvisibleKey(t), ETag.All),
            Delete(partition, MessageKey(t.Sequence), ETag.All),
        ], TableTransactions.GiveUp, cancellationToken);
        var outcomes = distinct.ToDictionary(t => t, t => new SettleOutcome(t, SettleStatus.Acked));
        foreach (var (token, _) in failed)
        {
            outcomes[token] = new SettleOutcome(token, await RemoveAfterLeaseExpiredAsync(partition, token, Disposal.Drop, cancellationToken) ? SettleStatus.Acked : SettleStatus.Stale);
        }
        return tokens.Select(t => outcomes[t]).ToList();
    }

    public async Task<IReadOnlyList<SettleOutcome>> RemoveLeasedAsync(QueuePartition partition, IReadOnlyList<LeaseToken> tokens, Disposal disposal, CancellationToken cancellationToken = default)
    {
        var removed = disposal.Moves ? SettleStatus.DeadLettered : SettleStatus.Dropped;
        var distinct = tokens.Distinct().ToList();
        var rows = await Task.WhenAll(distinct.Select(t => GetRowAsync(partition, InvisibleKey(t), IndexColumns, cancellationToken)));
        var held = distinct.Zip(rows).Where(p => p.Second is not null).Select(p => (Token: p.First, Entry: ToIndexEntry(p.Second!))).ToList();
        var failed = await TableTransactions.SubmitAsync(table, held, h => Leave(partition, h.Entry, new ETag(h.Entry.ETag), disposal),
            TableTransactions.GiveUp, cancellationToken);
        var outcomes = distinct.ToDictionary(t => t, t => new SettleOutcome(t, removed));
        foreach (var token in distinct.Except(held.Select(h => h.Token)).Concat(failed.Select(f => f.Item.Token)))
        {
            outcomes[token] = new SettleOutcome(token, await RemoveAfterLeaseExpiredAsync(partition, token, disposal, cancellationToken) ? removed : SettleStatus.Stale);
        }
        return tokens.Select(t => outcomes[t]).ToList();
    }

    /// <summary>A lease that expired is still the message's current one until somebody leases it again:
    /// the ready row remembers it, so a late ack still settles the message (API.md, ack).</summary>
    private async Task<bool> RemoveAfterLeaseExpiredAsync(QueuePartition partition, LeaseToken token, Disposal disposal, CancellationToken cancellationToken)
    {
        var ready = await GetRowAsync(partition, ReadyKey(token.PriorityRank, token.Sequence), IndexColumns, cancellationToken);
        if (ready is null || ready.GetString("ExpiredLeaseId") != token.LeaseId) return false;
        var entry = ToIndexEntry(ready);
        var failed = await TableTransactions.SubmitAsync(table, [token], _ => Leave(partition, entry, ready.ETag, disposal),
            TableTransactions.GiveUp, cancellationToken);
        return failed.Count == 0;
    }

    public async Task<IReadOnlyList<SettleOutcome>> RequeueAsync(QueuePartition partition, IReadOnlyList<LeaseToken> tokens, DateTimeOffset? visibleAt, int deliveryLimit, Disposal exhausted, CancellationToken cancellationToken = default)
    {
        var distinct = tokens.Distinct().ToList();
        var rows = await Task.WhenAll(distinct.Select(t => GetRowAsync(partition, InvisibleKey(t), IndexColumns, cancellationToken)));
        var outcomes = distinct.ToDictionary(t => t, t => new SettleOutcome(t, SettleStatus.Stale));
        var held = distinct.Zip(rows).Where(p => p.Second is not null).Select(p => (Token: p.First, Entry: ToIndexEntry(p.Second!))).ToList();
        bool Exhausted(IndexEntry e) => e.DeliveryCount >= deliveryLimit;
        var failed = await TableTransactions.SubmitAsync(table, held, h => Exhausted(h.Entry)
            ? Leave(partition, h.Entry, new ETag(h.Entry.ETag), exhausted)
            : [
                Delete(partition, h.Entry.Key, new ETag(h.Entry.ETag)),
                new TableTransactionAction(TableTransactionActionType.Add, Index(partition,
                    visibleAt is { } at ? InvisibleKey(at.UtcTicks, h.Token.Sequence, "") : ReadyKey(h.Token.PriorityRank, h.Token.Sequence),
                    h.Entry with { LeaseId = null, VisibleUntil = null, LastLeaseId = null })),
            ], TableTransactions.GiveUp, cancellationToken);
        var failedTokens = failed.Select(f => f.Item.Token).ToHashSet();
        foreach (var (token, entry) in held.Where(h => !failedTokens.Contains(h.Token)))
        {
            outcomes[token] = new SettleOutcome(token, !Exhausted(entry) ? SettleStatus.Requeued : exhausted.Moves ? SettleStatus.DeadLettered : SettleStatus.Dropped);
        }
        return tokens.Select(t => outcomes[t]).ToList();
    }

    public async Task<IReadOnlyList<SettleOutcome>> ExtendAsync(QueuePartition partition, IReadOnlyList<LeaseToken> tokens, DateTimeOffset visibleUntil, CancellationToken cancellationToken = default)
    {
        var distinct = tokens.Distinct().ToList();
        var failed = await TableTransactions.SubmitAsync(table, distinct, t =>
        [
            new TableTransactionAction(TableTransactionActionType.UpdateMerge,
                new TableEntity(PartitionKey(partition), InvisibleKey(t)) { ["VisibleUntil"] = visibleUntil.UtcTicks }, ETag.All),
        ], TableTransactions.GiveUp, cancellationToken);
        var stale = failed.Select(f => f.Item).ToHashSet();
        return tokens.Select(t => stale.Contains(t) ? new SettleOutcome(t, SettleStatus.Stale) : new SettleOutcome(t, SettleStatus.Extended, visibleUntil)).ToList();
    }

    public async Task<IReadOnlyList<IndexEntry>> ListAsync(QueuePartition partition, IndexState state, int limit, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var filter = state == IndexState.Ready
            ? RangeFilter(partition, ReadyFrom, ReadyTo)
            : RangeFilter(partition, InvisibleFrom, InvisibleTo) + (state == IndexState.InFlight ? " and LeaseId ne ''" : " and LeaseId eq ''");
        var result = new List<IndexEntry>();
        await foreach (var row in Query(filter, IndexColumns, cancellationToken))
        {
            result.Add(ToIndexEntry(row));
            if (result.Count == limit) break;
        }
        return result;
    }

    public async Task<PartitionCounts> CountAsync(QueuePartition partition, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        long ready = 0, inFlight = 0, delayed = 0, bytes = 0;
        foreach (var filter in new[] { RangeFilter(partition, ReadyFrom, ReadyTo), RangeFilter(partition, InvisibleFrom, InvisibleTo) })
        {
            await foreach (var row in Query(filter, ["RowKey", "Size", "LeaseId", "VisibleUntil"], cancellationToken))
            {
                var entry = ToIndexEntry(row);
                bytes += entry.Size;
                var due = entry.State != IndexState.Ready && (entry.VisibleUntil ?? DueTime(entry.Key)) <= now;
                if (entry.State == IndexState.Ready || due) ready++;
                else if (entry.State == IndexState.InFlight) inFlight++;
                else delayed++;
            }
        }
        return new PartitionCounts(ready, inFlight, delayed, bytes);
    }

    private static DateTimeOffset DueTime(string invisibleKey) =>
        new(long.Parse(invisibleKey.AsSpan(2, 19), System.Globalization.CultureInfo.InvariantCulture), TimeSpan.Zero);

    public async Task<long> PurgeAsync(QueuePartition partition, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var victims = new List<IndexEntry>();
        var filter = "(" + RangeFilter(partition, ReadyFrom, ReadyTo) + ") or (" + RangeFilter(partition, InvisibleFrom, InvisibleTo) + " and LeaseId eq '')";
        await foreach (var row in Query(filter, IndexColumns, cancellationToken)) victims.Add(ToIndexEntry(row));
        return await RemoveAsync(partition, victims, Disposal.Drop, cancellationToken);
    }

    public async Task DeletePartitionAsync(QueuePartition partition, CancellationToken cancellationToken = default)
    {
        var keys = new List<string>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {PartitionKey(partition)}");
        await foreach (var row in Query(filter, ["RowKey"], cancellationToken)) keys.Add(row.RowKey);
        await TableTransactions.SubmitAsync(table, keys, k => [Delete(partition, k, ETag.All)], TableTransactions.GiveUp, cancellationToken);
    }

    public async Task<int> PruneDeduplicationAsync(QueuePartition partition, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var expired = new List<TableEntity>();
        var filter = RangeFilter(partition, DedupFrom, DedupTo) + $" and ExpiresAt lt {now.UtcTicks}L";
        await foreach (var row in Query(filter, ["RowKey", "ExpiresAt"], cancellationToken)) expired.Add(row);
        var failed = await TableTransactions.SubmitAsync(table, expired, r => [Delete(partition, r.RowKey, r.ETag)], TableTransactions.GiveUp, cancellationToken);
        return expired.Count - failed.Count;
    }

    private static TableTransactionAction Delete(QueuePartition partition, string rowKey, ETag etag) =>
        new(TableTransactionActionType.Delete, new TableEntity(PartitionKey(partition), rowKey), etag);

    private static string NewLeaseId() => System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(9));

    private async Task<TableEntity?> GetRowAsync(QueuePartition partition, string rowKey, string[]? select, CancellationToken cancellationToken)
    {
        var response = await StorageErrors.TranslateAsync(() => table.GetEntityIfExistsAsync<TableEntity>(PartitionKey(partition), rowKey, select, cancellationToken));
        return response.HasValue ? response.Value : null;
    }

    private async Task<List<TableEntity>> FirstPageAsync(string filter, int take, string[] select, CancellationToken cancellationToken)
    {
        return await StorageErrors.TranslateAsync(async () =>
        {
            await foreach (var page in table.QueryAsync<TableEntity>(filter, take, select, cancellationToken).AsPages(pageSizeHint: take))
            {
                return page.Values.Take(take).ToList();
            }
            return new List<TableEntity>();
        });
    }

    private async IAsyncEnumerable<TableEntity> Query(string filter, string[] select, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var rows = table.QueryAsync<TableEntity>(filter, 1000, select, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            bool more;
            try
            {
                more = await rows.MoveNextAsync();
            }
            catch (Exception exception) when (StorageErrors.Translate(exception) is { } translated)
            {
                throw translated;
            }
            if (!more) yield break;
            yield return rows.Current;
        }
    }
}
