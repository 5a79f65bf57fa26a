using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Storage.Tables;

namespace Serverless.Replication;

/// <summary>Deletes change rows a request shipped itself (sync queues) in bulk, a second or so later: up to 100 deletes
/// per transaction, never one request per message. Rows it has not deleted yet (a crash) are shipped again by the
/// sweep — harmless, applying is idempotent.</summary>
public sealed class OutboxCleaner(TableOutbox outbox, ILogger<OutboxCleaner> logger)
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> shipped = new();
    private readonly ConcurrentDictionary<string, byte> pending = new();

    public void Shipped(string partitionKey, IEnumerable<string> changeKeys)
    {
        var queue = shipped.GetOrAdd(partitionKey, _ => new ConcurrentQueue<string>());
        foreach (var key in changeKeys)
        {
            pending[partitionKey + "/" + key] = 0;
            queue.Enqueue(key);
        }
    }

    /// <summary>Of a partition's change-row keys, those this instance has not shipped (in their order).</summary>
    public IReadOnlyList<string> Unshipped(string partitionKey, IReadOnlyList<string> changeKeys) =>
        changeKeys.Where(key => !pending.ContainsKey(partitionKey + "/" + key)).ToList();

    /// <summary>Deletes everything shipped so far (the loop does this every second; tests and shutdown call it).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        foreach (var (partitionKey, queue) in shipped)
        {
            var keys = new List<string>();
            while (queue.TryDequeue(out var key)) keys.Add(key);
            if (keys.Count == 0) continue;
            try
            {
                await outbox.DeleteAsync(partitionKey, keys, cancellationToken);
                foreach (var key in keys) pending.TryRemove(partitionKey + "/" + key, out _);
            }
            catch (Exception failure) when (failure is not OperationCanceledException)
            {
                // Left in the outbox: the sweep ships them again (idempotent) and deletes them then.
                foreach (var key in keys) pending.TryRemove(partitionKey + "/" + key, out _);
                logger.LogDebug(failure, "Shipped change rows of {Partition} are left for the sweep.", partitionKey);
            }
        }
    }
}
