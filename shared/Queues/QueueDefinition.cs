using Serverless.Messages;
using Serverless.Storage;

namespace Serverless.Queues;

/// <summary>A queue as the engine uses it: its stored definition plus the effective arguments
/// (its own over its policy's over the defaults).</summary>
public sealed record QueueDefinition(QueueRecord Record, QueueArguments Effective, string? Policy)
{
    public string Vhost => Record.Vhost;
    public string Name => Record.Name;

    public IEnumerable<QueuePartition> Partitions =>
        Enumerable.Range(0, Effective.EffectiveShards).Select(shard => new QueuePartition(Vhost, Name, shard));

    public QueuePartition Partition(int shard) => new(Vhost, Name, shard);

    public static QueueDefinition From(QueueRecord record) =>
        new(record, record.Arguments.Over(QueueArguments.Defaults), Policy: null);
}
