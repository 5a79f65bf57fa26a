using Azure;
using Azure.Data.Tables;
using Serverless.Messages;
using static Serverless.Storage.Tables.MessageRows;

namespace Serverless.Storage.Tables;

/// <summary>Settlements by receipt. A receipt names the row its lease was given (<c>v:{due}:{seq}:{lease}</c>); an extend
/// moves the row and leaves a lease alias naming the new key; a lease that ended and was swept back to ready is still
/// the receipt's until somebody leases the message again (its ready row remembers the lease). Every settlement
/// transaction starts with a change row, so a resent transaction that had committed is recognised as done.</summary>
public sealed partial class TableMessageStore
{
    private const int MaxSettleAttempts = 4;

    public async Task<IReadOnlyList<SettleOutcome>> AckAsync(QueuePartition partition, IReadOnlyList<LeaseToken> tokens, CancellationToken cancellationToken = default) =>
        await SettleInRoundsAsync(tokens, round => AckRoundAsync(partition, round, cancellationToken));

    /// <summary>Acks first without reading (the receipt names the row of a lease never extended); a receipt whose row is
    /// not there is looked up (extended, or swept back to ready) and tried again.</summary>
    private async Task<Dictionary<LeaseToken, SettleOutcome>> AckRoundAsync(QueuePartition partition, IReadOnlyList<LeaseToken> tokens, CancellationToken cancellationToken)
    {
        // A receipt that says the secondary holds the message under its ready key is acked without reading; the others are
        // read first, so their tombstone names every key the secondary may hold.
        var items = tokens.Select(t => new SettleItem(t) { Row = t.ReadyReplica ? AsLeased(t) : null }).ToList();
        await Task.WhenAll(items.Where(i => i.Row is null).Select(i => i.ResolveAsync(this, partition, cancellationToken)));
        var unknown = items.Where(i => i.Row is null).ToList();
        items = items.Except(unknown).ToList();
        var head = HeadFor<SettleItem>(partition, removed: i => i.Row);
        var failed = await TableTransactions.SubmitAsync(table, items,
            i => i.Actions ??= Leave(partition, i.Row!, i.RowETag, Disposal.Drop, "ack").ToList(),
            async (i, _, _) => await ResolveAgainAsync(partition, i, cancellationToken), cancellationToken, head);
        var stale = failed.Select(f => f.Item).Concat(unknown).ToHashSet();
        return items.Concat(unknown).ToDictionary(i => i.Token, i => new SettleOutcome(i.Token, stale.Contains(i) ? SettleStatus.Stale : SettleStatus.Acked));
    }

    public async Task<IReadOnlyList<SettleOutcome>> RemoveLeasedAsync(QueuePartition partition, IReadOnlyList<LeaseToken> tokens, Disposal disposal, CancellationToken cancellationToken = default) =>
        await SettleInRoundsAsync(tokens, async round =>
        {
            var items = await ResolveAsync(partition, round, cancellationToken);
            var removed = disposal.Moves ? SettleStatus.DeadLettered : SettleStatus.Dropped;
            return await SubmitSettlementsAsync(partition, items, i => Leave(partition, i.Row!, i.RowETag, disposal, "reject").ToList(), _ => removed, cancellationToken);
        });

    public async Task<IReadOnlyList<SettleOutcome>> RequeueAsync(QueuePartition partition, IReadOnlyList<LeaseToken> tokens, RequeueRules rules, CancellationToken cancellationToken = default) =>
        await SettleInRoundsAsync(tokens, async round =>
        {
            var items = await ResolveAsync(partition, round, cancellationToken);
            return await SubmitSettlementsAsync(partition, items, i => RequeueActions(partition, i, rules), i => RequeueOutcome(i, rules), cancellationToken,
                added: i => i.Added);
        });

    public async Task<IReadOnlyList<SettleOutcome>> ExtendAsync(QueuePartition partition, IReadOnlyList<LeaseToken> tokens, DateTimeOffset visibleUntil, CancellationToken cancellationToken = default) =>
        await SettleInRoundsAsync(tokens, async round =>
        {
            var items = await ResolveAsync(partition, round, cancellationToken);
            var outcomes = await SubmitSettlementsAsync(partition, items, i => ExtendActions(partition, i, visibleUntil), _ => SettleStatus.Extended, cancellationToken);
            return outcomes.ToDictionary(p => p.Key, p => p.Value.Status == SettleStatus.Extended ? p.Value with { VisibleUntil = visibleUntil } : p.Value);
        });

    /// <summary>What a requeue writes: a delivery-limited or expired message leaves; otherwise its leased row becomes a
    /// ready row (or a delayed one), counted, with its expiry row back. A late requeue of a message already swept back to
    /// ready only moves it when a delay was asked for.</summary>
    private IReadOnlyList<TableTransactionAction> RequeueActions(QueuePartition partition, SettleItem item, RequeueRules rules)
    {
        var row = item.Row!;
        item.Added = null;
        if (row.State == IndexState.InFlight && row.DeliveryCount >= rules.DeliveryLimit)
            return Leave(partition, row, item.RowETag, rules.Exhausted, "delivery-limit").ToList();
        if (row.ExpiresAt is { } expiresAt && expiresAt <= rules.Now)
            return Leave(partition, row, item.RowETag, rules.Expired, "expired").ToList();
        if (row.State == IndexState.Ready && rules.VisibleAt is null) return [];
        var back = row with
        {
            Key = rules.VisibleAt is { } at ? InvisibleKey(at.UtcTicks, row.Sequence, "") : ReadyKey(row.PriorityRank, row.Sequence),
            State = rules.VisibleAt is null ? IndexState.Ready : IndexState.Delayed,
            LeaseId = null,
            VisibleUntil = null,
            LastLeaseId = null,
            Extended = false,
            // A swept-back row keeps its place in the count; a leased one comes back counted when the shard is counted.
            Counted = row.State == IndexState.Ready ? row.Counted : item.NewCounted,
            Version = NextVersion(row.Version),
        };
        back = back with { ReplicaKeys = [.. ReplicaKeysOf(row).Append(back.Key).Distinct()] };
        item.Added = back;
        var actions = new List<TableTransactionAction> { UpsertChange(partition, "requeue", back), Delete(partition, row.Key, item.RowETag) };
        if (row.Extended) actions.Add(Delete(partition, AliasKey(row.Sequence, row.LeaseId!), ETag.All));
        actions.Add(Add(Index(partition, back.Key, back)));
        if (back.ExpiresAt is not null)
        {
            actions.Add(row.State == IndexState.Ready
                ? new TableTransactionAction(TableTransactionActionType.UpsertMerge, Expiry(partition, back, back.Key))
                : Add(Expiry(partition, back, back.Key)));
        }
        return actions;
    }

    private static SettleStatus RequeueOutcome(SettleItem item, RequeueRules rules)
    {
        var row = item.Row!;
        if (row.State == IndexState.InFlight && row.DeliveryCount >= rules.DeliveryLimit) return rules.Exhausted.Moves ? SettleStatus.DeadLettered : SettleStatus.Dropped;
        if (row.ExpiresAt is { } expiresAt && expiresAt <= rules.Now) return rules.Expired.Moves ? SettleStatus.DeadLettered : SettleStatus.Dropped;
        return SettleStatus.Requeued;
    }

    /// <summary>An extend moves the leased row to its new end (the new row first) and records where in the lease alias;
    /// a receipt whose lease ended and was swept back to ready, but not leased again, is leased again under it.</summary>
    private static IReadOnlyList<TableTransactionAction> ExtendActions(QueuePartition partition, SettleItem item, DateTimeOffset visibleUntil)
    {
        var row = item.Row!;
        var key = InvisibleKey(visibleUntil.UtcTicks, row.Sequence, item.Token.LeaseId);
        if (key == row.Key) return [];
        var moved = row with { Key = key, LeaseId = item.Token.LeaseId, VisibleUntil = visibleUntil, LastLeaseId = null, State = IndexState.InFlight, Extended = true, Counted = null };
        var actions = new List<TableTransactionAction> { Add(Index(partition, key, moved)), Delete(partition, row.Key, item.RowETag) };
        if (HasExpiryRow(row)) actions.Add(Delete(partition, ExpiryKey(row.ExpiresAt!.Value, row.Sequence), ETag.All));
        actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace,
            new TableEntity(PartitionKey(partition), AliasKey(row.Sequence, item.Token.LeaseId)) { ["Due"] = visibleUntil.UtcTicks }));
        return actions;
    }

    private async Task<Dictionary<LeaseToken, SettleOutcome>> SubmitSettlementsAsync(
        QueuePartition partition,
        List<SettleItem> items,
        Func<SettleItem, IReadOnlyList<TableTransactionAction>> actionsOf,
        Func<SettleItem, SettleStatus> outcomeOf,
        CancellationToken cancellationToken,
        Func<SettleItem, IndexEntry?>? added = null)
    {
        var held = items.Where(i => i.Row is not null).ToList();
        var head = new HeadChange<SettleItem>(heads, partition, fence: false,
            needsHead: chunk => partition.Limits is not null || chunk.Any(i => i.Row?.Counted is not null),
            delta: (i, signature) =>
            {
                var (count, bytes) = i.Row is { State: not IndexState.InFlight } gone && i.Removes ? Uncounted(gone, signature) : (0, 0);
                if (added?.Invoke(i) is { Counted: { } counted } fresh && counted == signature) { count++; bytes += fresh.Size; }
                return (count, bytes);
            },
            decide: (chunk, change) =>
            {
                foreach (var i in chunk) i.DecideCounted(change.CountedSignature);
            });
        var done = new List<SettleItem>();
        var failed = await TableTransactions.SubmitAsync(table, held, i => i.Actions ??= actionsOf(i),
            async (i, _, _) => await ResolveAgainAsync(partition, i, cancellationToken), cancellationToken, head, done);
        var stale = failed.Select(f => f.Item).ToHashSet();
        return items.ToDictionary(i => i.Token, i => new SettleOutcome(i.Token,
            i.Row is null || stale.Contains(i) ? SettleStatus.Stale : outcomeOf(i)));
    }

    /// <summary>Receipts of one message must not meet in one transaction (two operations on one entity): each round
    /// settles one receipt per message; later rounds take the rest (they are stale by then, or the same lease again).</summary>
    private static async Task<IReadOnlyList<SettleOutcome>> SettleInRoundsAsync(IReadOnlyList<LeaseToken> tokens, Func<IReadOnlyList<LeaseToken>, Task<Dictionary<LeaseToken, SettleOutcome>>> settle)
    {
        var outcomes = new Dictionary<LeaseToken, SettleOutcome>();
        var remaining = tokens.Distinct().ToList();
        while (remaining.Count > 0)
        {
            var round = remaining.GroupBy(t => t.Sequence).Select(g => g.First()).ToList();
            foreach (var (token, outcome) in await settle(round)) outcomes[token] = outcome;
            remaining = remaining.Except(round).ToList();
        }
        return tokens.Select(t => outcomes[t]).ToList();
    }

    private async Task<List<SettleItem>> ResolveAsync(QueuePartition partition, IReadOnlyList<LeaseToken> tokens, CancellationToken cancellationToken) =>
        (await Task.WhenAll(tokens.Select(async t =>
        {
            var item = new SettleItem(t);
            await item.ResolveAsync(this, partition, cancellationToken);
            return item;
        }))).ToList();

    private async Task<bool> ResolveAgainAsync(QueuePartition partition, SettleItem item, CancellationToken cancellationToken)
    {
        if (++item.Attempts >= MaxSettleAttempts) return false;
        await item.ResolveAsync(this, partition, cancellationToken);
        return item.Row is not null;
    }

    /// <summary>The row a receipt names when its lease was never extended: what an ack can delete without reading.</summary>
    private static IndexEntry AsLeased(LeaseToken token) => new()
    {
        Key = InvisibleKey(token),
        ETag = ETag.All.ToString(),
        Sequence = token.Sequence,
        MessageId = "",
        PriorityRank = token.PriorityRank,
        LeaseId = token.LeaseId,
        State = IndexState.InFlight,
        BodyRow = token.BodyRow,
        Version = token.Version,
        ReplicaKeys = [ReadyKey(token.PriorityRank, token.Sequence)],
    };

    /// <summary>Where the lease of a receipt lives now: its first row, the row an extend moved it to (through the lease
    /// alias), or — the lease ended and was swept back — the ready row that remembers it; null when the receipt is stale.</summary>
    private async Task<IndexEntry?> FindLeaseAsync(QueuePartition partition, LeaseToken token, CancellationToken cancellationToken)
    {
        if (await GetRowAsync(partition, InvisibleKey(token), IndexWithContentColumns, cancellationToken) is { } first) return ToIndexEntry(first);
        if (await GetRowAsync(partition, AliasKey(token.Sequence, token.LeaseId), ["Due"], cancellationToken) is { } alias
            && alias.GetInt64("Due") is { } due
            && await GetRowAsync(partition, InvisibleKey(due, token.Sequence, token.LeaseId), IndexWithContentColumns, cancellationToken) is { } moved)
        {
            return ToIndexEntry(moved);
        }
        var ready = await GetRowAsync(partition, ReadyKey(token.PriorityRank, token.Sequence), IndexWithContentColumns, cancellationToken);
        return ready is not null && ready.GetString("ExpiredLeaseId") == token.LeaseId ? ToIndexEntry(ready) : null;
    }

    private sealed class SettleItem(LeaseToken token)
    {
        public LeaseToken Token { get; } = token;
        public IndexEntry? Row { get; set; }
        public ETag RowETag => Row is null ? default : new ETag(Row.ETag);
        public IReadOnlyList<TableTransactionAction>? Actions { get; set; }
        public IndexEntry? Added { get; set; }
        public string? NewCounted { get; private set; }
        public int Attempts { get; set; }

        /// <summary>Whether this settlement takes the row out of the ready and delayed set (not a late requeue without delay).</summary>
        public bool Removes => Actions is { Count: > 0 };

        public void DecideCounted(string? signature)
        {
            if (NewCounted == signature) return;
            NewCounted = signature;
            Actions = null;
        }

        public async Task ResolveAsync(TableMessageStore store, QueuePartition partition, CancellationToken cancellationToken)
        {
            Row = await store.FindLeaseAsync(partition, Token, cancellationToken);
            Actions = null;
            Added = null;
        }
    }
}
