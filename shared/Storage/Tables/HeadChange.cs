using Azure;
using Azure.Data.Tables;
using Serverless.Messages;

namespace Serverless.Storage.Tables;

/// <summary>The head-row action of a transaction that changes a shard's messages (see <see cref="PartitionHeads"/>):
/// the count change of its items under the head's ETag when the shard is counted, and for a publish (a
/// <paramref name="fence"/>) a check that the head still exists. Items tell their own change through
/// <paramref name="delta"/>, given the signature the head counts under (null: not counted).</summary>
internal sealed class HeadChange<TItem>(
    PartitionHeads heads,
    QueuePartition partition,
    bool fence,
    Func<IReadOnlyList<TItem>, bool> needsHead,
    Func<TItem, string?, (long Count, long Bytes)> delta,
    Action<IReadOnlyList<TItem>, HeadChange<TItem>>? decide = null) : ChunkAction<TItem>
{
    private PartitionHeads.Head? head;
    private bool loaded;
    private (long Count, long Bytes)? sent;

    /// <summary>The head as this attempt sees it (null when not read, or missing).</summary>
    public PartitionHeads.Head? Head => head;

    /// <summary>The signature that rows created by this attempt are counted under: the head's, when it is the one
    /// of this instance's definition; otherwise new rows are not counted (a later marking pass counts them).</summary>
    public string? CountedSignature => head?.Signature is { } signature && partition.Limits?.Signature == signature ? signature : null;

    public override async ValueTask PrepareAsync(IReadOnlyList<TItem> items, CancellationToken cancellationToken)
    {
        if (!loaded && needsHead(items))
        {
            head = await heads.GetAsync(partition, cancellationToken);
            loaded = true;
            if (head is null && fence) throw new QueueFencedException(partition);
        }
        decide?.Invoke(items, this);
    }

    public override ValueTask<TableTransactionAction?> ActionForAsync(IReadOnlyList<TItem> items, CancellationToken cancellationToken)
    {
        sent = null;
        if (head?.Signature is { } signature)
        {
            long count = 0, bytes = 0;
            foreach (var item in items)
            {
                var (c, b) = delta(item, signature);
                count += c;
                bytes += b;
            }
            if (count != 0 || bytes != 0)
            {
                sent = (head.Count + count, head.Bytes + bytes);
                return ValueTask.FromResult<TableTransactionAction?>(PartitionHeads.Update(partition, head, sent.Value.Count, sent.Value.Bytes));
            }
        }
        return ValueTask.FromResult(fence ? PartitionHeads.Update(partition, null, 0, 0) : null);
    }

    public override async ValueTask FailedAsync(RequestFailedException failure, CancellationToken cancellationToken)
    {
        if (failure.Status == 404) throw new QueueFencedException(partition);
        // 412: another transaction changed the head first; count again from what it holds now.
        head = await heads.ReadAsync(partition, cancellationToken);
        loaded = true;
        if (head is null) throw new QueueFencedException(partition);
    }

    public override void Committed(Response response)
    {
        if (sent is { } values && head is not null)
        {
            head = head with { ETag = response.Headers.ETag ?? default, Count = values.Count, Bytes = values.Bytes };
            heads.Remember(partition, head);
        }
        else if (fence && head is not null)
        {
            // A fence merge changes the head's ETag: the cached one is stale.
            heads.Forget(partition);
            loaded = false;
        }
    }

    public override void Unknown()
    {
        heads.Forget(partition);
        loaded = false;
        head = null;
    }
}
