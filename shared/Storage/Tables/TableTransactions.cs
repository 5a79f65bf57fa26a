using Azure;
using Azure.Data.Tables;

namespace Serverless.Storage.Tables;

/// <summary>Submits per-item action groups as entity group transactions (one partition, ≤ 100 actions,
/// under the 4 MiB request limit). When one action fails, the transaction commits nothing: the item
/// that owns the failed action is asked whether to retry (its actions rebuilt) or give up, and the
/// rest are resubmitted. A lost race is therefore one more request, never an error.</summary>
internal static class TableTransactions
{
    public const int MaxActions = 100;
    private const long MaxPayloadBytes = 3_000_000;
    private const int MaxAttemptsPerChunk = 200;

    public delegate ValueTask<bool> RetryDecision<in TItem>(TItem item, RequestFailedException failure);

    /// <returns>Items that were given up, with the failure that made the caller give up.</returns>
    public static async Task<List<(TItem Item, RequestFailedException Failure)>> SubmitAsync<TItem>(
        TableClient table,
        IReadOnlyList<TItem> items,
        Func<TItem, IReadOnlyList<TableTransactionAction>> actionsOf,
        RetryDecision<TItem> retry,
        CancellationToken cancellationToken = default)
    {
        var givenUp = new List<(TItem, RequestFailedException)>();
        foreach (var chunk in Chunk(items, actionsOf))
        {
            var pending = chunk.ToList();
            for (var attempt = 0; pending.Count > 0; attempt++)
            {
                if (attempt == MaxAttemptsPerChunk) throw new InvalidOperationException("A transaction kept failing.");
                var owners = new List<int>();
                var actions = new List<TableTransactionAction>();
                for (var i = 0; i < pending.Count; i++)
                {
                    foreach (var action in actionsOf(pending[i])) { actions.Add(action); owners.Add(i); }
                }
                if (actions.Count == 0) break;
                try
                {
                    // Not through StorageErrors: a failed action (404/409/412) is handled below, as a lost race.
                    await table.SubmitTransactionAsync(actions, cancellationToken);
                    break;
                }
                catch (TableTransactionFailedException failed) when (failed.FailedTransactionActionIndex is int index && index < owners.Count)
                {
                    var owner = owners[index];
                    var item = pending[owner];
                    if (!await retry(item, failed))
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
                        givenUp.AddRange(await SubmitAsync(table, [item], actionsOf, retry, cancellationToken));
                    }
                    break;
                }
                catch (RequestFailedException failed) when (failed.Status is 404 or 409 or 412)
                {
                    var item = pending[0];
                    if (!await retry(item, failed))
                    {
                        givenUp.Add((item, failed));
                        pending.RemoveAt(0);
                    }
                }
                catch (Exception other) when (StorageErrors.Translate(other) is { } translated)
                {
                    throw translated;
                }
            }
        }
        return givenUp;
    }

    private static IEnumerable<List<TItem>> Chunk<TItem>(IReadOnlyList<TItem> items, Func<TItem, IReadOnlyList<TableTransactionAction>> actionsOf)
    {
        var chunk = new List<TItem>();
        int actions = 0;
        long bytes = 0;
        foreach (var item in items)
        {
            var itemActions = actionsOf(item);
            var itemBytes = itemActions.Sum(a => MessageRows.EstimatedSize((TableEntity)a.Entity));
            if (chunk.Count > 0 && (actions + itemActions.Count > MaxActions || bytes + itemBytes > MaxPayloadBytes))
            {
                yield return chunk;
                chunk = [];
                actions = 0;
                bytes = 0;
            }
            chunk.Add(item);
            actions += itemActions.Count;
            bytes += itemBytes;
        }
        if (chunk.Count > 0) yield return chunk;
    }

    public static ValueTask<bool> GiveUp<TItem>(TItem item, RequestFailedException failure) => ValueTask.FromResult(false);
}
