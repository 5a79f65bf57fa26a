using Serverless.Queues;
using Serverless.Storage;

namespace Serverless.Messages;

/// <summary><c>maxLength</c> / <c>maxLengthBytes</c> (RabbitMQ's overflow behaviours), per shard (the limit divided by the
/// shard count), over ready and delayed messages. The store keeps each limited shard's count in its head row and applies
/// <c>rejectPublish</c> / <c>rejectPublishDlx</c> in the publishing transaction, so a publish costs the same at any
/// length; <c>dropHead</c> admits the publish, then this trims the oldest ready messages (dead-lettered with reason
/// <c>maxlen</c>, or dropped) by the excess the append reported: work proportional to the excess, not the queue.</summary>
public sealed class LengthLimits(IMessageStore store)
{
    private const int PageSize = 1000;

    /// <summary>Takes the oldest ready messages out of the shard until it is back within its limits; returns how many
    /// left as pending moves (the caller completes them).</summary>
    public async Task<int> TrimAsync(QueueDefinition queue, QueuePartition partition, long overCount, long overBytes, CancellationToken cancellationToken = default)
    {
        var disposal = MessageMover.DisposalFor(queue, Death.MaxLength);
        var moved = 0;
        while (overCount > 0 || overBytes > 0)
        {
            var take = (int)Math.Clamp(Math.Max(overCount, 1), 1, PageSize);
            var head = await store.ListReadyAsync(partition, overBytes > 0 ? PageSize : take, cancellationToken);
            var drop = new List<IndexEntry>();
            long count = overCount, bytes = overBytes;
            foreach (var entry in head)
            {
                if (count <= 0 && bytes <= 0) break;
                drop.Add(entry);
                count--;
                bytes -= entry.Size;
            }
            if (drop.Count == 0) break; // only delayed messages are left to count: nothing at the head to drop
            var removed = await store.RemoveAsync(partition, drop, disposal, cancellationToken);
            if (removed == 0) break; // taken by receivers meanwhile: the shard is within its limit again
            if (disposal.Moves) moved += removed;
            overCount -= drop.Count;
            overBytes -= drop.Sum(e => e.Size);
        }
        return moved;
    }
}
