using System.Collections.Concurrent;
using Serverless.Errors;
using Serverless.Storage;

namespace Serverless.Queues;

/// <summary>Queue expiry (<c>expiresSeconds</c>): records when a queue was last used and deletes the
/// queues unused for longer. Only queues with an expiry pay for the record, at most one write per
/// queue and instance each quarter of its expiry (and at most once a minute).</summary>
public sealed class QueueUsage(IMetadataStore metadata, QueueDirectory directory, TimeProvider time)
{
    private readonly ConcurrentDictionary<(string, string), DateTimeOffset> lastRecorded = new();

    public async Task TouchAsync(QueueDefinition queue, CancellationToken cancellationToken = default)
    {
        if (queue.Effective.ExpiresSeconds is not int expires) return;
        var now = time.GetUtcNow();
        var interval = TimeSpan.FromSeconds(Math.Min(60, Math.Max(1, expires / 4.0)));
        var key = (queue.Vhost, queue.Name);
        if (lastRecorded.TryGetValue(key, out var last) && now - last < interval) return;
        lastRecorded[key] = now;
        await metadata.TouchQueueAsync(queue.Vhost, queue.Name, now, cancellationToken);
    }

    /// <summary>Deletes every queue whose <c>expiresSeconds</c> passed since its last use; returns their names.</summary>
    public async Task<IReadOnlyList<string>> DeleteExpiredAsync(QueueService queues, CancellationToken cancellationToken = default)
    {
        var deleted = new List<string>();
        var now = time.GetUtcNow();
        foreach (var queue in await directory.AllQueuesAsync(cancellationToken))
        {
            if (queue.Effective.ExpiresSeconds is not int expires) continue;
            var lastUsed = queue.Record.LastUsedAt ?? queue.Record.CreatedAt;
            if (lastRecorded.TryGetValue((queue.Vhost, queue.Name), out var local) && local > lastUsed) lastUsed = local;
            if (lastUsed.AddSeconds(expires) > now) continue;
            try
            {
                await queues.DeleteAsync(queue.Vhost, queue.Name, ifEmpty: false, ifUnused: false, cancellationToken);
                deleted.Add($"{queue.Vhost}/{queue.Name}");
            }
            catch (NotFoundException)
            {
                // Deleted by someone else meanwhile.
            }
        }
        return deleted;
    }
}
