using Serverless.Messages;

namespace Serverless.Storage;

/// <summary>A shard's head row is gone: its queue incarnation is being deleted (or was). Writers that meet it
/// look the queue up again: it is gone, restored, or declared anew.</summary>
public sealed class QueueFencedException(QueuePartition partition)
    : Exception($"Queue shard {partition} is fenced: its queue is being deleted.")
{
    public QueuePartition Partition { get; } = partition;
}
