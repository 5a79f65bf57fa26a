using Serverless.Messages;
using Serverless.Policies;
using Serverless.Routing;
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

    /// <summary>The queue under the highest-priority policy of its vhost that matches its name.</summary>
    public static QueueDefinition From(QueueRecord record, VhostCatalog catalog)
    {
        var policy = PolicyInfo.Select(catalog.Policies, record.Name, isQueue: true);
        return new(record, record.Arguments.Over(policy?.Definition).Over(QueueArguments.Defaults), policy?.Name);
    }
}
