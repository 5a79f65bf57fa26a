using System.Globalization;
using System.IO.Hashing;
using System.Text;
using Serverless.Messages;
using Serverless.Policies;
using Serverless.Routing;
using Serverless.Storage;

namespace Serverless.Queues;

/// <summary>A queue as the engine uses it: its stored definition plus the effective arguments
/// (its own over its policy's over the defaults).</summary>
public sealed record QueueDefinition(QueueRecord Record, QueueArguments Effective, string? Policy, PartitionLimits? Limits)
{
    public string Vhost => Record.Vhost;
    public string Name => Record.Name;

    /// <summary>Fixed when the queue is declared: a policy cannot change it (a message's shard follows its id).</summary>
    public int Shards => Record.Arguments.Shards ?? QueueArguments.Defaults.Shards!.Value;

    public IEnumerable<QueuePartition> Partitions => Enumerable.Range(0, Shards).Select(Partition);

    public QueuePartition Partition(int shard) => new(Vhost, Name, Record.Incarnation, shard)
    {
        Limits = Limits,
        Replication = Effective.Replication ?? ReplicationMode.Sync,
    };

    /// <summary>The queue under the highest-priority policy of its vhost that matches its name.</summary>
    public static QueueDefinition From(QueueRecord record, VhostCatalog catalog)
    {
        var policy = PolicyInfo.Select(catalog.Policies, record.Name, isQueue: true);
        var effective = record.Arguments.Over(policy?.Definition).Over(QueueArguments.Defaults) with { Shards = record.Arguments.Shards ?? QueueArguments.Defaults.Shards };
        return new(record, effective, policy?.Name, LimitsOf(record, effective, catalog));
    }

    /// <summary>The per-shard length limits, signed by what they come from: the queue's own limit arguments and every
    /// policy that matches it (name and version). When that changes, the shards are counted anew under the new signature,
    /// since instances that did not see the limit meanwhile did not count what they wrote.</summary>
    private static PartitionLimits? LimitsOf(QueueRecord record, QueueArguments effective, VhostCatalog catalog)
    {
        if (effective.MaxLength is null && effective.MaxLengthBytes is null) return null;
        var shards = record.Arguments.Shards ?? 1;
        var source = new StringBuilder()
            .Append(record.Arguments.MaxLength).Append('|').Append(record.Arguments.MaxLengthBytes);
        foreach (var policy in catalog.Policies.Where(p => p.AppliesTo(record.Name, isQueue: true)).OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            source.Append('|').Append(policy.Name).Append('@').Append((policy.UpdatedAt ?? policy.CreatedAt).UtcTicks.ToString(CultureInfo.InvariantCulture));
        }
        var signature = Convert.ToHexStringLower(XxHash64.Hash(Encoding.UTF8.GetBytes(source.ToString())));
        return new PartitionLimits(
            effective.MaxLength is long count ? (count + shards - 1) / shards : long.MaxValue,
            effective.MaxLengthBytes is long bytes ? (bytes + shards - 1) / shards : long.MaxValue,
            signature);
    }
}
