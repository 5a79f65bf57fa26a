using Azure;
using Azure.Data.Tables;
using Serverless.Messages;
using static Serverless.Storage.Tables.MessageRows;

namespace Serverless.Storage.Tables;

public sealed partial class TableMessageStore
{
    public async Task<IReadOnlyList<IndexEntry>> ListReadyAsync(QueuePartition partition, int take, CancellationToken cancellationToken = default)
    {
        var rows = await FirstPageAsync(RangeFilter(partition, ReadyFrom, ReadyTo), take, IndexWithContentColumns, cancellationToken);
        return rows.Select(ToIndexEntry).ToList();
    }

    /// <summary>Each lease moves its ready row to an invisible row with the content (the new row first: its key holds a
    /// new lease id, so a resent transaction that committed conflicts on it), removes the expiry row (leased messages do
    /// not expire) and, in a counted shard, takes one from the count.</summary>
    public async Task<LeaseAttempt> LeaseAsync(QueuePartition partition, IReadOnlyList<IndexEntry> picks, DateTimeOffset visibleUntil, CancellationToken cancellationToken = default)
    {
        var leases = picks.Select(entry => new PendingLease(entry, new LeaseToken(entry.Sequence, entry.PriorityRank, visibleUntil.UtcTicks, NewLeaseId(), entry.BodyRow,
            entry.Version, ReadyReplica: ReplicaKeysOf(entry) is [var only] && only == ReadyKey(entry.PriorityRank, entry.Sequence)), visibleUntil)).ToList();
        var head = HeadFor<PendingLease>(partition, removed: l => l.Source);
        var lost = await TableTransactions.SubmitAsync(table, leases, l => l.Actions(partition), TableTransactions.GiveUp, cancellationToken, head);
        var lostSequences = lost.Select(l => l.Item.Token.Sequence).ToHashSet();
        return new LeaseAttempt(
            leases.Where(l => !lostSequences.Contains(l.Token.Sequence)).Select(l => new LeasedEntry(l.Leased, l.Token, visibleUntil)).ToList(),
            picks.Where(p => lostSequences.Contains(p.Sequence)).ToList());
    }

    public async Task<IReadOnlyList<IndexEntry>> TakeAsync(QueuePartition partition, IReadOnlyList<IndexEntry> picks, CancellationToken cancellationToken = default)
    {
        var head = HeadFor<IndexEntry>(partition, removed: e => e);
        var lost = await TableTransactions.SubmitAsync(table, picks,
            e => Leave(partition, e, new ETag(e.ETag), Disposal.Drop, "take").ToList(),
            TableTransactions.GiveUp, cancellationToken, head);
        var gone = lost.Select(l => l.Item).ToHashSet();
        return picks.Where(p => !gone.Contains(p)).ToList();
    }

    public async Task<IReadOnlyList<MessageContent?>> ReadBodiesAsync(QueuePartition partition, IReadOnlyList<string> sequences, CancellationToken cancellationToken = default)
    {
        var rows = await Task.WhenAll(sequences.Select(s => GetRowAsync(partition, BodyKey(s), null, cancellationToken)));
        return rows.Select(r => r is null ? null : ToContent(r)).ToList();
    }

    private sealed class PendingLease(IndexEntry source, LeaseToken token, DateTimeOffset visibleUntil)
    {

        public IndexEntry Source { get; } = source;
        public LeaseToken Token { get; } = token;

        public IndexEntry Leased { get; } = source with
        {
            Key = InvisibleKey(token),
            DeliveryCount = source.DeliveryCount + 1,
            LeaseId = token.LeaseId,
            VisibleUntil = visibleUntil,
            LastLeaseId = null,
            State = IndexState.InFlight,
            Counted = null,
            Extended = false,
        };

        public IReadOnlyList<TableTransactionAction> Actions(QueuePartition partition)
        {
            var actions = new List<TableTransactionAction>
            {
                Add(Index(partition, Leased.Key, Leased)),
                Delete(partition, Source.Key, new ETag(Source.ETag)),
            };
            if (HasExpiryRow(Source)) actions.Add(Delete(partition, ExpiryKey(Source.ExpiresAt!.Value, Source.Sequence), ETag.All));
            return actions;
        }
    }
}
