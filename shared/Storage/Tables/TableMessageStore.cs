using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using Serverless.Messages;
using static Serverless.Storage.Tables.MessageRows;

namespace Serverless.Storage.Tables;

/// <summary><see cref="IMessageStore"/> on one region's <c>Messages</c> table; the row layout is in <see cref="MessageRows"/>,
/// the head row (fence and count) in <see cref="PartitionHeads"/>. The operations are split by concern over the
/// partial files of this class: append, receive, settle, sweep (release, expiry, prune, count), and administration.</summary>
public sealed partial class TableMessageStore(TableClient table, TimeProvider time) : IMessageStore
{
    private readonly PartitionHeads heads = new(table);

    public TableMessageStore(StorageRegion region, TimeProvider time) : this(region.Messages, time) { }

    /// <summary>Actions that take an entry (ready, delayed, or leased for settlements) out of its queue: first its change
    /// row (the tombstone the secondary applies, and the marker of a resent transaction), then its index row under the
    /// ETag read, its expiry row, its lease alias, and either its body row (dropped) or a pending move taking the index
    /// row's place (dead-lettered or redriven; the move carries a small message's content).</summary>
    private IEnumerable<TableTransactionAction> Leave(QueuePartition partition, IndexEntry entry, ETag indexETag, Disposal disposal, string why)
    {
        yield return Add(Removed(partition, NewChangeSequence(), why, entry, NextVersion(entry.Version)));
        yield return Delete(partition, entry.Key, indexETag);
        if (HasExpiryRow(entry)) yield return Delete(partition, ExpiryKey(entry.ExpiresAt!.Value, entry.Sequence), ETag.All);
        if (entry.Extended) yield return Delete(partition, AliasKey(entry.Sequence, entry.LeaseId!), ETag.All);
        if (disposal.Moves) yield return new TableTransactionAction(TableTransactionActionType.Add, Move(partition, entry, disposal));
        else if (entry.BodyRow) yield return Delete(partition, BodyKey(entry.Sequence), ETag.All);
    }

    /// <summary>A change row for a message that stays, now as <paramref name="after"/>.</summary>
    private TableTransactionAction UpsertChange(QueuePartition partition, string why, IndexEntry after, string? dedupKey = null, DateTimeOffset? dedupUntil = null) =>
        Add(Upserted(partition, NewChangeSequence(), why, after, dedupKey, dedupUntil));

    /// <summary>The version of a message's next replicated change: its clock, but always past the last one, so versions
    /// increase per message even when instances' clocks disagree (changes to one message are serialized by its ETags).</summary>
    private long NextVersion(long previous) => Math.Max(time.GetUtcNow().UtcTicks, previous + 1);

    /// <summary>Ready and delayed messages with an expiry have an expiry row; leased ones do not (a lease removes it).</summary>
    private static bool HasExpiryRow(IndexEntry entry) => entry.ExpiresAt is not null && entry.State != IndexState.InFlight;

    /// <summary>The count change when <paramref name="entry"/>'s row leaves the counted set of a head counting under <paramref name="signature"/>.</summary>
    private static (long, long) Uncounted(IndexEntry entry, string? signature) =>
        entry.Counted is { } counted && counted == signature ? (-1, -entry.Size) : (0, 0);

    private HeadChange<TItem> HeadFor<TItem>(QueuePartition partition, Func<TItem, IndexEntry?> removed, Func<TItem, IndexEntry?>? added = null, bool fence = false) =>
        new(heads, partition, fence,
            items => partition.Limits is not null || items.Any(i => removed(i)?.Counted is not null || added?.Invoke(i)?.Counted is not null),
            (item, signature) =>
            {
                var (count, bytes) = removed(item) is { } gone ? Uncounted(gone, signature) : (0, 0);
                if (added?.Invoke(item) is { Counted: { } counted } fresh && counted == signature) { count++; bytes += fresh.Size; }
                return (count, bytes);
            });

    private static TableTransactionAction Delete(QueuePartition partition, string rowKey, ETag etag) =>
        new(TableTransactionActionType.Delete, new TableEntity(PartitionKey(partition), rowKey), etag);

    private static TableTransactionAction Add(TableEntity entity) => new(TableTransactionActionType.Add, entity);

    /// <summary>Change rows are ordered by time (for pruning) and unique (a resent transaction conflicts on its own).</summary>
    private string NewChangeSequence() =>
        time.GetUtcNow().UtcTicks.ToString("D19", CultureInfo.InvariantCulture) + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    private static string NewLeaseId() => System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(9));

    private async Task<TableEntity?> GetRowAsync(QueuePartition partition, string rowKey, string[]? select, CancellationToken cancellationToken)
    {
        var response = await StorageErrors.TranslateAsync(() => table.GetEntityIfExistsAsync<TableEntity>(PartitionKey(partition), rowKey, select, cancellationToken), cancellationToken);
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
        }, cancellationToken);
    }

    private async Task<List<TableEntity>> QueryAsync(string filter, string[] select, int max, CancellationToken cancellationToken)
    {
        var rows = new List<TableEntity>();
        if (max <= 0) return rows;
        await foreach (var row in Query(filter, select, cancellationToken))
        {
            rows.Add(row);
            if (rows.Count >= max) break;
        }
        return rows;
    }

    private async IAsyncEnumerable<TableEntity> Query(string filter, string[]? select, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var rows = table.QueryAsync<TableEntity>(filter, 1000, select, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            bool more;
            try
            {
                more = await rows.MoveNextAsync();
            }
            catch (Exception exception) when (StorageErrors.Translate(exception, cancellationToken) is { } translated)
            {
                throw translated;
            }
            if (!more) yield break;
            yield return rows.Current;
        }
    }
}
