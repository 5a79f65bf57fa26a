using System.IO.Hashing;
using System.Text;
using Serverless.Errors;
using Serverless.Queues;
using Serverless.Storage;

namespace Serverless.Messages;

/// <summary>What an append into one queue did: a status per message (null: not stored, after a storage failure,
/// which <see cref="Failure"/> holds), the messages its length limit refused, and the shards left with pending moves
/// (dead-lettered by <c>dropHead</c>) that the caller completes.</summary>
public sealed record QueueAppendOutcome(
    IReadOnlyList<PublishStatus?> Statuses,
    IReadOnlyList<MessageContent> Refused,
    IReadOnlyList<QueuePartition> PendingMoves,
    UnavailableException? Failure);

/// <summary>Stores prepared messages into a queue: a message's shard follows its dedup key (so the dedup window holds
/// across shards), each shard's length limit is applied in the same transactions (duplicates first, then what fits),
/// and <c>dropHead</c> trims the oldest afterwards. A shard fenced by a delete is looked at again: the queue is gone
/// (404), declared anew or repaired (the messages not yet stored are tried again), or still being deleted (503).</summary>
public sealed class QueueAppender(IMessageStore store, AppendBatcher batcher, QueueDirectory directory, LengthLimits limits, TimeProvider time)
{
    private const int MaxFenceRetries = 3;

    public async Task<QueueAppendOutcome> AppendAsync(QueueDefinition definition, IReadOnlyList<MessageToStore> messages, CancellationToken cancellationToken = default)
    {
        var statuses = new PublishStatus?[messages.Count];
        var deduplicate = definition.Effective.DeduplicationWindow > TimeSpan.Zero;
        var seen = new HashSet<string>();
        for (var i = 0; i < messages.Count; i++)
        {
            if (deduplicate && !seen.Add(messages[i].DeduplicationKey)) statuses[i] = PublishStatus.Duplicate;
        }
        var refused = new List<MessageContent>();
        var pendingMoves = new List<QueuePartition>();
        UnavailableException? failure = null;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await AppendPendingAsync(definition, messages, statuses, refused, pendingMoves, cancellationToken);
                break;
            }
            catch (StoredInPartException interrupted)
            {
                failure = interrupted.Cause;
                break;
            }
            catch (QueueFencedException fenced) when (attempt < MaxFenceRetries)
            {
                definition = await ResolveFenceAsync(definition, fenced.Partition, cancellationToken);
            }
        }
        return new QueueAppendOutcome(statuses, refused, pendingMoves, failure);
    }

    private async Task AppendPendingAsync(QueueDefinition definition, IReadOnlyList<MessageToStore> messages, PublishStatus?[] statuses,
        List<MessageContent> refused, List<QueuePartition> pendingMoves, CancellationToken cancellationToken)
    {
        var byShard = Enumerable.Range(0, messages.Count).Where(i => statuses[i] is null)
            .GroupBy(i => ShardOf(messages[i].DeduplicationKey, definition.Shards));
        UnavailableException? failure = null;
        await Task.WhenAll(byShard.Select(async shard =>
        {
            var partition = definition.Partition(shard.Key);
            var indexes = shard.ToList();
            var refuseOverflow = definition.Effective.Overflow != OverflowMode.DropHead;
            AppendResult result;
            try
            {
                result = await batcher.AppendAsync(partition, indexes.Select(i => messages[i]).ToList(), refuseOverflow, cancellationToken);
            }
            catch (AppendInterruptedException interrupted)
            {
                lock (statuses)
                {
                    for (var j = 0; j < indexes.Count; j++) statuses[indexes[j]] = ToPublishStatus(interrupted.Statuses[j]);
                    failure ??= interrupted.Cause;
                }
                return;
            }
            lock (statuses)
            {
                for (var j = 0; j < indexes.Count; j++)
                {
                    statuses[indexes[j]] = ToPublishStatus(result.Statuses[j]);
                    if (result.Statuses[j] == AppendStatus.Refused) refused.Add(messages[indexes[j]].Content);
                }
            }
            if (result.OverCount > 0 || result.OverBytes > 0)
            {
                if (await limits.TrimAsync(definition, partition, result.OverCount, result.OverBytes, cancellationToken) > 0)
                {
                    lock (statuses) pendingMoves.Add(partition);
                }
            }
        }));
        if (failure is not null) throw new StoredInPartException(failure);
    }

    private static PublishStatus? ToPublishStatus(AppendStatus? status) => status switch
    {
        AppendStatus.Enqueued => PublishStatus.Enqueued,
        AppendStatus.Duplicate => PublishStatus.Duplicate,
        AppendStatus.Refused => PublishStatus.Rejected,
        _ => null,
    };

    /// <summary>A fenced shard: wait (briefly) for the delete that fenced it to end, then go on with what the queue is now.</summary>
    private async Task<QueueDefinition> ResolveFenceAsync(QueueDefinition fenced, QueuePartition partition, CancellationToken cancellationToken)
    {
        for (var waited = TimeSpan.Zero; ; waited += FencePoll)
        {
            directory.Forget(fenced.Vhost, fenced.Name);
            var current = await directory.FindQueueAsync(fenced.Vhost, fenced.Name, cancellationToken) ?? throw new NotFoundException("queue", fenced.Name);
            if (current.Record.Incarnation != fenced.Record.Incarnation) return current;
            if (current.Record.Deleting is null)
            {
                // Not being deleted, yet no head: a declare that stopped before writing it. Write it now.
                await store.CreatePartitionAsync(current.Partition(partition.Shard), cancellationToken);
                return current;
            }
            if (waited >= FenceWait) throw new UnavailableException($"Queue '{fenced.Name}' is being deleted; retry.", TimeSpan.FromSeconds(1));
            await Task.Delay(FencePoll, time, cancellationToken);
        }
    }

    private static readonly TimeSpan FencePoll = TimeSpan.FromMilliseconds(200), FenceWait = TimeSpan.FromSeconds(2);

    internal static int ShardOf(string messageId, int shards) =>
        shards <= 1 ? 0 : (int)(XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(messageId)) % (uint)shards);

    private sealed class StoredInPartException(UnavailableException cause) : Exception(cause.Message, cause)
    {
        public UnavailableException Cause { get; } = cause;
    }
}
