using System.Globalization;
using Azure;
using Azure.Data.Tables;
using static Serverless.Storage.Tables.MessageRows;

namespace Serverless.Storage.Tables;

/// <summary>The secondary region's copy of the message partitions, kept from shipped change rows. It holds the same
/// rows a primary serves from (index rows under their ready or delayed key, body rows, expiry rows, dedup rows), so a
/// promoted secondary serves at once, plus per message an anchor <c>i:{seq}</c> with the version and key of the last
/// change applied, and a tombstone marker <c>t:{version}:{seq}</c> while a deleted message's anchor is kept.
/// <para>Applying is idempotent and commutes per message: a change is applied only over an older version (the anchor
/// says), a delete leaves its anchor as a tombstone (collected after <see cref="TombstoneRetention"/>), so changes applied
/// twice, late, out of order or by two shippers at once leave the same state.</para>
/// <para>A message new here whose <c>messageId</c> another live message already holds (its dedup row names another
/// sequence, within its window) is one message twice, as a forced failover can make it: published in the old primary and
/// not shipped, then retried into the new one. Whichever copy the primary holds stays the one: written into the primary
/// (by a shipper of an instance that has not yet seen the promotion), the change is set aside, its anchor marked so that
/// no later version brings it back; written into a secondary, it takes the dedup row (a full copy removes the other).
/// The region's topology row says which, read only on such a conflict.</para></summary>
public sealed class TableReplicaStore(StorageRegion region, TimeProvider time)
{
    /// <summary>How long the anchor of a deleted message is kept: far longer than a change can wait in an outbox once its
    /// successors are shipped (they ship in order), so a late duplicate of an older change cannot bring the message back.</summary>
    public static readonly TimeSpan TombstoneRetention = TimeSpan.FromHours(1);

    private const string AnchorFrom = "i:", TombstoneFrom = "t:";

    private readonly TableClient table = region.Messages;

    public static string AnchorKey(string sequence) => AnchorFrom + sequence;
    private static string TombstoneKey(long version, string sequence) => $"{TombstoneFrom}{version.ToString("D19", CultureInfo.InvariantCulture)}:{sequence}";

    /// <summary>Applies change rows of one partition (as the primary wrote them) with the body rows of large messages
    /// (by sequence; missing when the message is already gone there — its delete follows).</summary>
    public async Task ApplyAsync(string partitionKey, IReadOnlyList<ITableEntity> changes, IReadOnlyDictionary<string, TableEntity> bodies, CancellationToken cancellationToken = default)
    {
        // Only the latest state of a message matters (state, not actions): one item per message.
        var items = changes.OfType<TableEntity>()
            .GroupBy(c => c.GetString("Seq"))
            .Select(g => new ApplyItem(partitionKey, g.OrderBy(c => c.GetInt64("Ver") ?? 0).ThenBy(c => c.RowKey, StringComparer.Ordinal).Last(), bodies, DedupOf(g)))
            .ToList();
        await TableTransactions.SubmitAsync(table, items, i => i.Actions(), async (item, failure, action) =>
        {
            if (failure.Status is 409 or 412 or 404 && action == 0)
            {
                // Another version got there first (or the anchor changed): look again, then decide.
                await ReadAnchorAsync(item, cancellationToken);
                return true;
            }
            if (action >= 0 && action == item.DedupAction)
            {
                // 409: the id is taken here; 404/412: the row we meant to replace went or changed meanwhile.
                await DecideDedupAsync(item, takenHere: failure.Status == 409, cancellationToken);
                return true;
            }
            return false;
        }, cancellationToken, mayBeGone: _ => true);
    }

    /// <summary>Whether a message new here may take its id's dedup row, which another sequence holds.</summary>
    private async Task DecideDedupAsync(ApplyItem item, bool takenHere, CancellationToken cancellationToken)
    {
        var key = item.Dedup!.Value.Key;
        var response = takenHere
            ? await StorageErrors.TranslateAsync(() => table.GetEntityIfExistsAsync<TableEntity>(item.PartitionKey, key, ["Seq", "ExpiresAt"], cancellationToken), cancellationToken)
            : null;
        if (response is not { HasValue: true })
        {
            item.DedupRowFound(null, takesIt: true); // gone meanwhile: insert it again
            return;
        }
        var row = response.Value!;
        var until = row.GetInt64("ExpiresAt") ?? long.MinValue;
        var takesIt = row.GetString("Seq") == item.Sequence // its own row (a removal carrying the publish's window)
            || until <= item.EnqueuedAtTicks // that window had passed when this one was published
            || until <= time.GetUtcNow().UtcTicks
            || !await ServesAsPrimaryAsync(cancellationToken);
        item.DedupRowFound(row.ETag, takesIt);
    }

    private async Task<bool> ServesAsPrimaryAsync(CancellationToken cancellationToken) =>
        (await new TableTopologyStore().ReadAsync(region, cancellationToken)).Record?.Primary == region.Name;

    /// <summary>Deletes tombstones older than <see cref="TombstoneRetention"/> and dedup rows whose window passed (O(due)).</summary>
    public async Task<int> MaintainAsync(string partitionKey, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var cutoff = TombstoneKey((now - TombstoneRetention).UtcTicks, "");
        var tombstones = await QueryAsync(TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey} and RowKey ge {TombstoneFrom} and RowKey lt {cutoff}"), cancellationToken);
        var dedup = await QueryAsync(TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey} and RowKey ge {DedupFrom} and RowKey lt {DedupTo}") + $" and ExpiresAt lt {now.UtcTicks}L", cancellationToken);
        var deletes = tombstones.SelectMany(t => new[] { t.RowKey, AnchorKey(t.RowKey[(t.RowKey.LastIndexOf(':') + 1)..]) }).Concat(dedup.Select(d => d.RowKey)).ToList();
        await TableTransactions.SubmitAsync(table, deletes, key => [new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partitionKey, key), ETag.All)],
            TableTransactions.GiveUp, cancellationToken, mayBeGone: _ => true);
        return tombstones.Count + dedup.Count;
    }

    /// <summary>The dedup entry a message's publish opened: it outlives the message (a retry after the ack is still a
    /// duplicate), so when the publish and the removal are applied as one, the removal carries it.</summary>
    private static (string Key, long Until)? DedupOf(IEnumerable<TableEntity> changes) =>
        changes.Where(c => c.GetString(ChangeColumns.DedupKey) is { Length: > 0 } && c.GetInt64(ChangeColumns.DedupUntil) is not null)
            .Select(c => ((string Key, long Until)?)(c.GetString(ChangeColumns.DedupKey), c.GetInt64(ChangeColumns.DedupUntil)!.Value))
            .MaxBy(d => d!.Value.Until);

    private async Task ReadAnchorAsync(ApplyItem item, CancellationToken cancellationToken)
    {
        var response = await StorageErrors.TranslateAsync(() => table.GetEntityIfExistsAsync<TableEntity>(item.PartitionKey, AnchorKey(item.Sequence), cancellationToken: cancellationToken), cancellationToken);
        item.Anchored(response.HasValue ? response.Value : null);
    }

    private async Task<List<TableEntity>> QueryAsync(string filter, CancellationToken cancellationToken) =>
        await StorageErrors.TranslateAsync(async () =>
        {
            var rows = new List<TableEntity>();
            await foreach (var row in table.QueryAsync<TableEntity>(filter, 1000, ["RowKey"], cancellationToken))
            {
                rows.Add(row);
                if (rows.Count >= 1000) break;
            }
            return rows;
        }, cancellationToken);

    /// <summary>One message's latest change and what the secondary holds of it (its anchor, once read).</summary>
    private sealed class ApplyItem(string partitionKey, TableEntity change, IReadOnlyDictionary<string, TableEntity> bodies, (string Key, long Until)? dedup)
    {
        private bool anchorKnown;
        private TableEntity? anchor;
        private IReadOnlyList<TableTransactionAction>? actions;
        private DedupClaim claim;
        private ETag takenRow;

        public string PartitionKey { get; } = partitionKey;
        public string Sequence { get; } = change.GetString("Seq");
        public bool IsDelete { get; } = change.GetString(ChangeColumns.Op) == ChangeColumns.Delete;
        public long EnqueuedAtTicks { get; } = change.GetInt64("EnqueuedAt") ?? 0;
        public (string Key, long Until)? Dedup { get; } = dedup;

        /// <summary>The index of the dedup row's action among <see cref="Actions"/>, -1 when there is none.</summary>
        public int DedupAction { get; private set; } = -1;

        private long Version { get; } = change.GetInt64("Ver") ?? 0;

        public void Anchored(TableEntity? found)
        {
            (anchorKnown, anchor, actions) = (true, found, null);
        }

        /// <summary>What the dedup row held: <paramref name="takesIt"/> replaces it under <paramref name="etag"/> (or
        /// inserts it again when there is none); otherwise the primary's own message keeps the id and this one is set aside.</summary>
        public void DedupRowFound(ETag? etag, bool takesIt)
        {
            (claim, takenRow, actions) = (takesIt ? etag is null ? DedupClaim.Insert : DedupClaim.Replace : DedupClaim.Yield, etag ?? default, null);
        }

        public IReadOnlyList<TableTransactionAction> Actions() => actions ??= Build();

        private List<TableTransactionAction> Build()
        {
            DedupAction = -1;
            // A tombstone is final (a message never comes back on the primary): it is written blind, newest or not.
            if (IsDelete) return Tombstone();
            if (anchorKnown && anchor is not null && (anchor.GetInt64("Ver") ?? 0) >= Version) return []; // already as new or newer
            if (claim == DedupClaim.Yield) return SetAside();
            return Upsert();
        }

        /// <summary>The anchor of a message the primary already holds under another sequence: gone, at a version no
        /// change can pass, with its tombstone so that it is collected.</summary>
        private List<TableTransactionAction> SetAside() =>
        [
            AnchorAction(new TableEntity(PartitionKey, AnchorKey(Sequence)) { ["Ver"] = long.MaxValue, ["Gone"] = true, ["SetAside"] = true }),
            new(TableTransactionActionType.UpsertReplace, new TableEntity(PartitionKey, TombstoneKey(Version, Sequence)) { ["Seq"] = Sequence }),
        ];

        private List<TableTransactionAction> Upsert()
        {
            var key = change.GetString(ChangeColumns.ReplicaKey);
            var bodyRow = change.GetBoolean("BodyRow") == true;
            var expiresAt = change.GetInt64("ExpiresAt");
            var newAnchor = new TableEntity(PartitionKey, AnchorKey(Sequence)) { ["Ver"] = Version, ["Key"] = key, ["BodyRow"] = bodyRow };
            if (expiresAt is { } ticks) newAnchor["ExpiresAt"] = ticks;
            var list = new List<TableTransactionAction> { AnchorAction(newAnchor) };
            if (anchor is not null && anchor.GetBoolean("Gone") != true && anchor.GetString("Key") is { } old && old != key) list.Add(Delete(old));
            var index = new TableEntity(PartitionKey, key);
            foreach (var (name, value) in change)
            {
                if (!IsControl(name)) index[name] = value;
            }
            list.Add(new(TableTransactionActionType.UpsertReplace, index));
            if (bodyRow && bodies.TryGetValue(Sequence, out var body))
            {
                list.Add(new(TableTransactionActionType.UpsertReplace, Copy(body)));
            }
            if (expiresAt is { } expires)
            {
                list.Add(new(TableTransactionActionType.UpsertReplace,
                    new TableEntity(PartitionKey, ExpiryKey(new DateTimeOffset(expires, TimeSpan.Zero), Sequence)) { ["IndexKey"] = key, ["Seq"] = Sequence }));
            }
            AddDedup(list);
            return list;
        }

        /// <summary>The anchor becomes a tombstone (kept so an older change arriving late is refused), and every row the
        /// message may have there is deleted, as the change names them (rows that are not there are skipped).</summary>
        private List<TableTransactionAction> Tombstone()
        {
            var list = new List<TableTransactionAction>
            {
                new(TableTransactionActionType.UpsertReplace, new TableEntity(PartitionKey, AnchorKey(Sequence)) { ["Ver"] = Version, ["Gone"] = true }),
                new(TableTransactionActionType.UpsertReplace, new TableEntity(PartitionKey, TombstoneKey(Version, Sequence)) { ["Seq"] = Sequence }),
            };
            foreach (var key in (change.GetString("Replica") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)) list.Add(Delete(key));
            if (change.GetBoolean("BodyRow") == true) list.Add(Delete(BodyKey(Sequence)));
            if (change.GetInt64("ExpiresAt") is { } expires) list.Add(Delete(ExpiryKey(new DateTimeOffset(expires, TimeSpan.Zero), Sequence)));
            AddDedup(list);
            return list;
        }

        /// <summary>The dedup row: replaced when the message was here before (the row is its own), else inserted, so that
        /// another message holding the id shows as a conflict (see <see cref="DecideDedupAsync"/>).</summary>
        private void AddDedup(List<TableTransactionAction> list)
        {
            if (Dedup is not { } entry) return;
            if (claim == DedupClaim.Yield) return; // a removal: the primary's message keeps its window
            var row = new TableEntity(PartitionKey, entry.Key) { ["Seq"] = Sequence, ["ExpiresAt"] = entry.Until };
            DedupAction = list.Count;
            list.Add(anchor is not null ? new(TableTransactionActionType.UpsertReplace, row)
                : claim == DedupClaim.Replace ? new(TableTransactionActionType.UpdateReplace, row, takenRow)
                : new(TableTransactionActionType.Add, row));
        }

        private enum DedupClaim { Insert, Replace, Yield }

        /// <summary>The anchor first: an insert when none is known (a conflict means another version is there: read it,
        /// decide again), else a replace under the ETag read (a change meanwhile: read again).</summary>
        private TableTransactionAction AnchorAction(TableEntity newAnchor) => anchor is null
            ? new(TableTransactionActionType.Add, newAnchor)
            : new(TableTransactionActionType.UpdateReplace, newAnchor, anchor.ETag);

        private TableTransactionAction Delete(string rowKey) =>
            new(TableTransactionActionType.Delete, new TableEntity(PartitionKey, rowKey), ETag.All);

        private TableEntity Copy(TableEntity body)
        {
            var copy = new TableEntity(PartitionKey, body.RowKey);
            foreach (var (name, value) in body)
            {
                if (name is not ("PartitionKey" or "RowKey" or "odata.etag" or "Timestamp" or "Tx")) copy[name] = value;
            }
            return copy;
        }

        private static bool IsControl(string name) => name is "PartitionKey" or "RowKey" or "odata.etag" or "Timestamp" or "Tx"
            or ChangeColumns.Op or ChangeColumns.Why or ChangeColumns.ReplicaKey or ChangeColumns.Mode or ChangeColumns.DedupKey or ChangeColumns.DedupUntil;
    }
}
