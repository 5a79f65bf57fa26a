using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;

namespace Serverless.Storage.Tables;

/// <summary>Submits per-item action groups as entity group transactions (one partition, ≤ 100 actions,
/// under the 4 MiB request limit). When one action fails, the transaction commits nothing: the item
/// that owns the failed action is asked whether to retry (its actions rebuilt) or give up, and the
/// rest are resubmitted. A lost race is therefore one more request, never an error.
/// <para>Items whose first action is an insert of a row new to this change (a marker) make a resent transaction
/// safe: when the storage client resends a transaction whose first attempt committed but whose answer was lost,
/// the resend conflicts on that first insert; the row then carries this attempt's token, and the items are
/// reported committed instead of lost.</para></summary>
internal static class TableTransactions
{
    public const int MaxActions = 100;
    private const long MaxPayloadBytes = 3_000_000;
    private const int MaxAttemptsPerChunk = 200;
    private const string AttemptProperty = "Tx";

    /// <summary>Whether to retry an item one of whose actions failed (<paramref name="action"/>: its index among the
    /// item's actions, -1 when storage did not say); false gives the item up.</summary>
    public delegate ValueTask<bool> RetryDecision<in TItem>(TItem item, RequestFailedException failure, int action);

    public static ValueTask<bool> GiveUp<TItem>(TItem item, RequestFailedException failure, int action) => ValueTask.FromResult(false);

    /// <summary>Submits <paramref name="items"/>; committed items are added to <paramref name="committed"/> as their
    /// transactions commit (so a caller can report what was stored before a failure).</summary>
    /// <returns>Items that were given up, with the failure that made the caller give up.</returns>
    /// <exception cref="Errors.UnavailableException">Storage failed; <paramref name="committed"/> holds what committed before.</exception>
    public static async Task<List<(TItem Item, RequestFailedException Failure)>> SubmitAsync<TItem>(
        TableClient table,
        IReadOnlyList<TItem> items,
        Func<TItem, IReadOnlyList<TableTransactionAction>> actionsOf,
        RetryDecision<TItem> retry,
        CancellationToken cancellationToken = default,
        ChunkAction<TItem>? chunkAction = null,
        ICollection<TItem>? committed = null,
        Func<string, bool>? mayBeGone = null)
    {
        mayBeGone ??= MessageRows.MayBeGone;
        var givenUp = new List<(TItem, RequestFailedException)>();
        foreach (var chunk in Chunk(items, actionsOf, reserved: chunkAction is null ? 0 : 1))
        {
            var pending = chunk.ToList();
            var gone = new HashSet<(string, string)>();
            for (var attempt = 0; pending.Count > 0; attempt++)
            {
                if (attempt == MaxAttemptsPerChunk) throw new InvalidOperationException("A transaction kept failing.");
                if (chunkAction is not null) await chunkAction.PrepareAsync(pending, cancellationToken);
                // An item without actions this attempt (e.g. refused by a length limit) leaves the chunk uncommitted.
                pending.RemoveAll(item => actionsOf(item).Count == 0);
                if (pending.Count == 0) break;
                // Per submitted action: the item it belongs to, and its index among that item's actions (a delete found
                // gone is left out, so the submitted position is not it).
                var owners = new List<(int Item, int Action)>();
                var actions = new List<TableTransactionAction>();
                for (var i = 0; i < pending.Count; i++)
                {
                    var itemActions = actionsOf(pending[i]);
                    for (var a = 0; a < itemActions.Count; a++)
                    {
                        var action = itemActions[a];
                        if (action.ActionType == TableTransactionActionType.Delete && gone.Contains(KeyOf(action))) continue;
                        actions.Add(action);
                        owners.Add((i, a));
                    }
                }
                var extra = chunkAction is null ? null : await chunkAction.ActionForAsync(pending, cancellationToken);
                if (extra is not null) actions.Add(extra);
                var marker = StampAttempt(actions[0]);
                try
                {
                    try
                    {
                        // Not through StorageErrors: a failed action (404/409/412) is handled below, as a lost race.
                        var responses = await table.SubmitTransactionAsync(actions, cancellationToken);
                        if (extra is not null) chunkAction!.Committed(responses.Value[^1]);
                    }
                    catch (Exception other) when (other is not RequestFailedException && StorageErrors.Translate(other, cancellationToken) is { } translated)
                    {
                        if (marker is not null && await CommittedAsync(table, actions[0], marker, cancellationToken)) { CommitUnanswered(); break; }
                        throw translated;
                    }
                    catch (RequestFailedException failed) when (failed.Status is not (404 or 409 or 412) && StorageErrors.Translate(failed, cancellationToken) is { } translated)
                    {
                        if (marker is not null && await CommittedAsync(table, actions[0], marker, cancellationToken)) { CommitUnanswered(); break; }
                        throw translated;
                    }
                    Commit();
                    break;
                }
                catch (RequestFailedException missing) when (missing.ErrorCode == "TableNotFound")
                {
                    throw StorageErrors.Translate(missing, cancellationToken)!;
                }
                catch (TableTransactionFailedException failed) when (failed.FailedTransactionActionIndex is int index && index < actions.Count)
                {
                    if (index == 0 && failed.Status == 409 && marker is not null && await CommittedAsync(table, actions[0], marker, cancellationToken))
                    {
                        CommitUnanswered();
                        break;
                    }
                    if (extra is not null && index == actions.Count - 1)
                    {
                        await chunkAction!.FailedAsync(failed, cancellationToken);
                        continue;
                    }
                    if (failed.Status == 404 && actions[index].ActionType == TableTransactionActionType.Delete && mayBeGone(actions[index].Entity.RowKey))
                    {
                        // A secondary row (expiry index, lease alias) that is not there needs no deleting: go on without it.
                        gone.Add(KeyOf(actions[index]));
                        continue;
                    }
                    var (owner, ownAction) = owners[index];
                    var item = pending[owner];
                    if (!await retry(item, failed, ownAction))
                    {
                        givenUp.Add((item, failed));
                        pending.RemoveAt(owner);
                    }
                }
                catch (RequestFailedException failed) when (failed.Status is 404 or 409 or 412 && pending.Count > 1)
                {
                    // No index reported: find the culprit by submitting items alone.
                    foreach (var item in pending)
                    {
                        givenUp.AddRange(await SubmitAsync(table, [item], actionsOf, retry, cancellationToken, chunkAction, committed, mayBeGone));
                    }
                    break;
                }
                catch (RequestFailedException failed) when (failed.Status is 404 or 409 or 412)
                {
                    if (extra is not null && IsChunkActionFailure(failed, actions.Count))
                    {
                        await chunkAction!.FailedAsync(failed, cancellationToken);
                        continue;
                    }
                    var item = pending[0];
                    if (!await retry(item, failed, -1))
                    {
                        givenUp.Add((item, failed));
                        pending.RemoveAt(0);
                    }
                }

                void Commit()
                {
                    ChangeCapture.Committed(actions);
                    if (committed is not null) foreach (var item in pending) committed.Add(item);
                    pending.Clear();
                }

                void CommitUnanswered()
                {
                    if (extra is not null) chunkAction!.Unknown();
                    Commit();
                }
            }
        }
        return givenUp;
    }

    private static (string, string) KeyOf(TableTransactionAction action) => (action.Entity.PartitionKey, action.Entity.RowKey);

    // A single-action failure without an index only happens when the transaction is the chunk action alone.
    private static bool IsChunkActionFailure(RequestFailedException failed, int actionCount) => actionCount == 1;

    /// <summary>Marks the first action's row with a token of this attempt, when it is an insert (a marker).</summary>
    private static string? StampAttempt(TableTransactionAction first)
    {
        if (first.ActionType != TableTransactionActionType.Add || first.Entity is not TableEntity entity) return null;
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(9));
        entity[AttemptProperty] = token;
        return token;
    }

    /// <summary>Whether the marker row was written by this very attempt: its transaction committed.</summary>
    private static async Task<bool> CommittedAsync(TableClient table, TableTransactionAction first, string token, CancellationToken cancellationToken)
    {
        try
        {
            var row = await table.GetEntityIfExistsAsync<TableEntity>(first.Entity.PartitionKey, first.Entity.RowKey, [AttemptProperty], cancellationToken);
            return row.HasValue && row.Value!.GetString(AttemptProperty) == token;
        }
        catch (Exception exception) when (StorageErrors.Translate(exception, cancellationToken) is not null)
        {
            return false; // unknown: reported as not committed
        }
    }

    private static IEnumerable<List<TItem>> Chunk<TItem>(IReadOnlyList<TItem> items, Func<TItem, IReadOnlyList<TableTransactionAction>> actionsOf, int reserved)
    {
        var chunk = new List<TItem>();
        int actions = reserved;
        long bytes = reserved * 1024;
        foreach (var item in items)
        {
            var itemActions = actionsOf(item);
            var itemBytes = itemActions.Sum(a => MessageRows.EstimatedSize(a.Entity));
            if (chunk.Count > 0 && (actions + itemActions.Count > MaxActions || bytes + itemBytes > MaxPayloadBytes))
            {
                yield return chunk;
                chunk = [];
                actions = reserved;
                bytes = reserved * 1024;
            }
            chunk.Add(item);
            actions += itemActions.Count;
            bytes += itemBytes;
        }
        if (chunk.Count > 0) yield return chunk;
    }
}

/// <summary>One more action a transaction carries for its chunk of items as a whole (the shard's head row: a fence,
/// or its count), placed last; told when it failed (re-read and retry, or throw) and what the commit answered.</summary>
internal abstract class ChunkAction<TItem>
{
    /// <summary>Called before each attempt builds its actions (e.g. to read the head and decide what fits).</summary>
    public virtual ValueTask PrepareAsync(IReadOnlyList<TItem> items, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public abstract ValueTask<TableTransactionAction?> ActionForAsync(IReadOnlyList<TItem> items, CancellationToken cancellationToken);

    /// <summary>The action failed (e.g. 412: another writer changed the head): refresh and return to retry, or throw.</summary>
    public abstract ValueTask FailedAsync(RequestFailedException failure, CancellationToken cancellationToken);

    /// <summary>The transaction committed; <paramref name="response"/> is this action's answer (its new ETag).</summary>
    public abstract void Committed(Response response);

    /// <summary>The transaction committed on an earlier attempt whose answer was lost: this action's result is unknown.</summary>
    public abstract void Unknown();
}
