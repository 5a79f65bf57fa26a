using Serverless.Queues;
using Serverless.Storage;

namespace Serverless.Messages;

/// <summary><c>maxLength</c> / <c>maxLengthBytes</c> on ready messages (RabbitMQ's overflow behaviours):
/// <c>rejectPublish</c> refuses what does not fit, <c>rejectPublishDlx</c> also dead-letters it, and
/// <c>dropHead</c> admits everything and then dead-letters (reason <c>maxlen</c>) or drops the oldest
/// ready messages. Limits apply per shard (the limit divided by the shard count). Checking reads at most
/// limit + batch index rows, so only queues with a limit pay for it; concurrent publishers may overshoot
/// briefly with <c>reject*</c>, and <c>dropHead</c> converges on the limit after each publish.</summary>
public sealed class LengthLimits(IMessageStore store, MessageMover mover)
{
    /// <summary>Most index rows one check reads: a limit above this is enforced approximately.</summary>
    private const int MaxScan = 100_000;

    public async Task<bool[]> AdmitAsync(QueueDefinition queue, QueuePartition partition, IReadOnlyList<MessageToStore> batch, CancellationToken cancellationToken = default)
    {
        var admitted = batch.Select(_ => true).ToArray();
        var arguments = queue.Effective;
        if (!Limited(queue, out var maxCount, out var maxBytes) || arguments.Overflow == OverflowMode.DropHead) return admitted;
        var ready = await store.ScanReadyAsync(partition, ScanSize(maxCount, 1), cancellationToken);
        long count = ready.Count, bytes = ready.Sum(e => e.Size);
        var refused = new List<MessageContent>();
        for (var i = 0; i < batch.Count; i++)
        {
            var size = batch[i].Content.Body.Length;
            if (count + 1 > maxCount || bytes + size > maxBytes)
            {
                admitted[i] = false;
                refused.Add(batch[i].Content);
                continue;
            }
            count++;
            bytes += size;
        }
        if (refused.Count > 0 && arguments.Overflow == OverflowMode.RejectPublishDlx) await mover.DeadLetterRefusedAsync(queue, refused, cancellationToken);
        return admitted;
    }

    public async Task DropHeadAsync(QueueDefinition queue, QueuePartition partition, CancellationToken cancellationToken = default)
    {
        if (!Limited(queue, out var maxCount, out var maxBytes) || queue.Effective.Overflow != OverflowMode.DropHead) return;
        var ready = await store.ScanReadyAsync(partition, ScanSize(maxCount, 1_000), cancellationToken);
        long count = ready.Count, bytes = ready.Sum(e => e.Size);
        var drop = new List<IndexEntry>();
        foreach (var head in ready)
        {
            if (count <= maxCount && bytes <= maxBytes) break;
            drop.Add(head);
            count--;
            bytes -= head.Size;
        }
        if (drop.Count == 0) return;
        await store.RemoveAsync(partition, drop, MessageMover.DisposalFor(queue, Death.MaxLength), cancellationToken);
        await mover.CompleteAsync(queue, partition, cancellationToken);
    }

    /// <summary>Rows to read: the count limit plus headroom, capped (and no overflow for "no count limit").</summary>
    private static int ScanSize(long maxCount, int headroom) => maxCount >= MaxScan - headroom ? MaxScan : (int)maxCount + headroom;

    private static bool Limited(QueueDefinition queue, out long maxCount, out long maxBytes)
    {
        var shards = queue.Effective.EffectiveShards;
        maxCount = queue.Effective.MaxLength is long length ? (length + shards - 1) / shards : long.MaxValue;
        maxBytes = queue.Effective.MaxLengthBytes is long total ? (total + shards - 1) / shards : long.MaxValue;
        return queue.Effective.MaxLength is not null || queue.Effective.MaxLengthBytes is not null;
    }
}
