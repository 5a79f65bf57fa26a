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
/// twice, late, out of order or by two shippers at once leave the same state.</para></summary>
public sealed class TableReplicaStore(TableClient table, TimeProvider time)
{
    /// <summary>How long the anchor of a deleted message is kept: far longer than a change can wait in an outbox once its
    /// successors are shipped (they ship in order), so a late duplicate of an older change cannot bring the message back.</summary>
    public static readonly TimeSpan TombstoneRetention = TimeSpan.FromHours(1);

    private const string AnchorFrom = "i:", TombstoneFrom = "t:";

    public TableReplicaStore(StorageRegion region, TimeProvider time) : this(region.Messages, time) { }

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
            return false;
        }, cancellationToken, mayBeGone: _ => true);
    }

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

        public string PartitionKey { get; } = partitionKey;
        public string Sequence { get; } = change.GetString("Seq");
        public bool IsDelete { get; } = change.GetString(ChangeColumns.Op) == ChangeColumns.Delete;
        private long Version { get; } = change.GetInt64("Ver") ?? 0;

        public void Anchored(TableEntity? found)
        {
            (anchorKnown, anchor, actions) = (true, found, null);
        }

        public IReadOnlyList<TableTransactionAction> Actions() => actions ??= Build();

        private List<TableTransactionAction> Build()
        {
            // A tombstone is final (a message never comes back on the primary): it is written blind, newest or not.
            if (IsDelete) return Tombstone();
            if (anchorKnown && anchor is not null && (anchor.GetInt64("Ver") ?? 0) >= Version) return []; // already as new or newer
            return Upsert();
        }

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

        private void AddDedup(List<TableTransactionAction> list)
        {
            if (dedup is { } entry)
            {
                list.Add(new(TableTransactionActionType.UpsertReplace, new TableEntity(PartitionKey, entry.Key) { ["Seq"] = Sequence, ["ExpiresAt"] = entry.Until }));
            }
        }

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
