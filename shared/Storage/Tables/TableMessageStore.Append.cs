using Azure;
using Azure.Data.Tables;
using Serverless.Errors;
using Serverless.Messages;
using static Serverless.Storage.Tables.MessageRows;

namespace Serverless.Storage.Tables;

public sealed partial class TableMessageStore
{
    public async Task<AppendResult> AppendAsync(QueuePartition partition, IReadOnlyList<MessageToStore> messages, bool refuseOverflow, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var version = NextVersion(0);
        var pending = messages.Select(m => new PendingAppend(partition, m, version, (after, dedupKey, until) => UpsertChange(partition, "publish", after, dedupKey, until))).ToList();
        var head = new HeadChange<PendingAppend>(heads, partition, fence: true,
            needsHead: _ => partition.Limits is not null,
            delta: (p, signature) => p.Counted is { } counted && counted == signature ? (1, p.Size) : (0, 0),
            decide: (chunk, change) => Admit(chunk, change, partition.Limits, refuseOverflow));
        var committed = new HashSet<PendingAppend>();
        try
        {
            var givenUp = await TableTransactions.SubmitAsync(table, pending, p => p.Actions(), async (p, failure, action) =>
                await RetryAppendAsync(partition, p, failure, action, now, cancellationToken), cancellationToken, head, committed);
            foreach (var (_, failure) in givenUp)
            {
                if (failure.Status is not (404 or 409 or 412)) throw StorageErrors.Translate(failure) ?? failure;
            }
        }
        catch (UnavailableException interrupted)
        {
            throw new AppendInterruptedException(pending.Select(p => committed.Contains(p) || p.Settled ? p.Status : (AppendStatus?)null).ToList(), interrupted);
        }
        foreach (var refused in pending.Where(p => p.Refused))
        {
            // A message that does not fit may still be one stored before: a duplicate is a duplicate whatever the fill.
            if (await StoredWithinWindowAsync(partition, refused.Message, now, cancellationToken)) refused.Settle(AppendStatus.Duplicate);
        }
        var over = partition.Limits is { } limits && head.Head is { } current && head.CountedSignature is not null
            ? (Count: Math.Max(0, current.Count - limits.MaxCount), Bytes: Math.Max(0, current.Bytes - limits.MaxBytes))
            : (Count: 0L, Bytes: 0L);
        return new AppendResult(pending.Select(p => p.Status).ToList(), over.Count, over.Bytes);
    }

    /// <summary>Decides, before each attempt, which messages of the chunk are counted and which fit: in order, each
    /// taking room from what the head holds (a counted shard); a shard not counted admits everything.</summary>
    private static void Admit(IReadOnlyList<PendingAppend> chunk, HeadChange<PendingAppend> change, PartitionLimits? limits, bool refuseOverflow)
    {
        var signature = change.CountedSignature;
        long count = change.Head?.Count ?? 0, bytes = change.Head?.Bytes ?? 0;
        foreach (var item in chunk)
        {
            if (item.Settled) continue;
            var refused = signature is not null && refuseOverflow && limits is not null && !limits.Fits(count + 1, bytes + item.Size);
            item.Decide(refused ? null : signature, refused);
            if (!refused && signature is not null)
            {
                count++;
                bytes += item.Size;
            }
        }
    }

    private async Task<bool> RetryAppendAsync(QueuePartition partition, PendingAppend pending, RequestFailedException failure, int action, DateTimeOffset now, CancellationToken cancellationToken)
    {
        switch (pending.ActionAt(action))
        {
            case AppendAction.Dedup when failure.Status == 409 && pending.Message.DeduplicateUntil is not null:
                // The id was seen: a duplicate, unless that window has passed (then the old row is replaced).
                var row = await GetRowAsync(partition, DedupKey(pending.Message.DeduplicationKey), null, cancellationToken);
                if (row is null) return pending.Retry(); // pruned meanwhile: insert it again
                if (Time(row, "ExpiresAt") is { } expiresAt && expiresAt <= now) return pending.ReplaceDedupRow(row.ETag);
                return pending.Settle(AppendStatus.Duplicate);
            case AppendAction.Dedup when failure.Status is 404 or 412:
                // The expired row we meant to replace was pruned (404) or replaced (412) meanwhile: look again.
                return pending.Retry();
            case AppendAction.Marker or AppendAction.Index or AppendAction.Expiry when failure.Status == 409:
                // Another message holds this sequence (two instances drew the same one): the same message only if its id matches.
                // (Or an earlier attempt of this very append committed without an answer: then the marker row is this message.)
                var existing = await GetRowAsync(partition, pending.MarkerKey, ["MessageId", "Seq"], cancellationToken);
                if (existing is not null && existing.GetString("MessageId") == pending.Message.Content.MessageId
                    && (existing.GetString("Seq") ?? pending.Message.Sequence) == pending.Message.Sequence)
                {
                    return pending.Settle(AppendStatus.Enqueued);
                }
                return pending.NewSequence();
            default:
                return false;
        }
    }

    /// <summary>Whether a message with this id is stored within its dedup window.</summary>
    private async Task<bool> StoredWithinWindowAsync(QueuePartition partition, MessageToStore message, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (message.DeduplicateUntil is null) return false;
        var row = await GetRowAsync(partition, DedupKey(message.DeduplicationKey), ["ExpiresAt"], cancellationToken);
        return row is not null && Time(row, "ExpiresAt") is { } expiresAt && expiresAt > now;
    }

    private enum AppendAction { Marker, Index, Change, Dedup, Expiry, None }

    /// <summary>One message of an append and the rows it writes: its body row when it is large (then the marker, first),
    /// its index row (the marker of a small message), its change row (what the secondary applies), its dedup row (a
    /// client id) and its expiry row (a TTL).</summary>
    private sealed class PendingAppend(QueuePartition partition, MessageToStore message, long version,
        Func<IndexEntry, string?, DateTimeOffset?, TableTransactionAction> changeOf)
    {
        private IReadOnlyList<TableTransactionAction>? actions;
        private readonly List<AppendAction> kinds = [];
        private ETag? expiredDedupRow;

        public MessageToStore Message { get; private set; } = message;
        public AppendStatus Status { get; private set; } = AppendStatus.Enqueued;

        /// <summary>Decided without storing anything more (a duplicate, or found already stored).</summary>
        public bool Settled { get; private set; }
        public bool Refused { get; private set; }
        public string? Counted { get; private set; }
        public long Size => Message.Content.Body.Length;
        /// <summary>The key of the first row this message's transaction inserts (set when its actions are built).</summary>
        public string MarkerKey { get; private set; } = "";

        private string IndexKey => Delayed ? InvisibleKey(Message.VisibleAt!.Value.UtcTicks, Message.Sequence, "") : ReadyKey(Message.PriorityRank, Message.Sequence);
        private bool Delayed => Message.VisibleAt is { } visibleAt && visibleAt > Message.Content.EnqueuedAt;

        public void Decide(string? counted, bool refused)
        {
            if (Counted == counted && Refused == refused) return;
            (Counted, Refused) = (counted, refused);
            Status = refused ? AppendStatus.Refused : AppendStatus.Enqueued;
            actions = null;
        }

        public AppendAction ActionAt(int index) => index >= 0 && index < kinds.Count ? kinds[index] : AppendAction.None;

        public bool Settle(AppendStatus status)
        {
            (Status, Settled) = (status, true);
            return false;
        }

        public bool Retry()
        {
            expiredDedupRow = null;
            actions = null;
            return true;
        }

        public bool ReplaceDedupRow(ETag etag)
        {
            expiredDedupRow = etag;
            actions = null;
            return true;
        }

        public bool NewSequence()
        {
            Message = Message with { Sequence = Message.Sequence + "x" };
            actions = null;
            return true;
        }

        public IReadOnlyList<TableTransactionAction> Actions() => Refused || Settled ? [] : actions ??= Build();

        private List<TableTransactionAction> Build()
        {
            kinds.Clear();
            var m = Message;
            var body = Body(partition, m.Sequence, m.Content);
            var inline = FitsInline(body);
            var entry = new IndexEntry
            {
                Key = IndexKey,
                ETag = "",
                Sequence = m.Sequence,
                MessageId = m.Content.MessageId,
                PriorityRank = m.PriorityRank,
                EnqueuedAt = m.Content.EnqueuedAt,
                ExpiresAt = m.ExpiresAt,
                Size = m.Content.Body.Length,
                State = Delayed ? IndexState.Delayed : IndexState.Ready,
                BodyRow = !inline,
                Counted = Counted,
                Version = version,
                ReplicaKeys = [IndexKey],
            };
            var index = Index(partition, IndexKey, entry);
            MarkerKey = inline ? IndexKey : BodyKey(m.Sequence);
            var built = new List<TableTransactionAction>();
            if (inline)
            {
                built.Add(Add(CarryContent(index, body)));
                kinds.Add(AppendAction.Marker);
            }
            else
            {
                built.Add(Add(body));
                kinds.Add(AppendAction.Marker);
                built.Add(Add(index));
                kinds.Add(AppendAction.Index);
            }
            var change = changeOf(entry, m.DeduplicateUntil is null ? null : DedupKey(m.DeduplicationKey), m.DeduplicateUntil);
            if (inline) CarryContent((TableEntity)change.Entity, body); // a small message travels in its change row; a large one's body row is read when shipped
            built.Add(change);
            kinds.Add(AppendAction.Change);
            if (m.DeduplicateUntil is { } until)
            {
                var dedup = new TableEntity(PartitionKey(partition), DedupKey(m.DeduplicationKey)) { ["Seq"] = m.Sequence, ["ExpiresAt"] = until.UtcTicks };
                built.Add(expiredDedupRow is { } etag
                    ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, dedup, etag)
                    : Add(dedup));
                kinds.Add(AppendAction.Dedup);
            }
            if (m.ExpiresAt is not null)
            {
                built.Add(Add(Expiry(partition, entry, IndexKey)));
                kinds.Add(AppendAction.Expiry);
            }
            return built;
        }
    }
}
