using System.Reflection;
using System.Text.Json;

namespace Serverless.Queues;

public enum OverflowMode { DropHead, RejectPublish, RejectPublishDlx }

public enum ReplicationMode { Sync, Async }

/// <summary>A queue's arguments (API.md, Queues). As declared, unset ones are null; the effective
/// arguments are these over a policy's over <see cref="Defaults"/>, so every defaulted one is set.</summary>
public record QueueArguments
{
    public int? VisibilityTimeoutSeconds { get; init; }
    public int? MessageTtlSeconds { get; init; }
    public int? ExpiresSeconds { get; init; }
    public long? MaxLength { get; init; }
    public long? MaxLengthBytes { get; init; }
    public OverflowMode? Overflow { get; init; }
    public string? DeadLetterExchange { get; init; }
    public string? DeadLetterRoutingKey { get; init; }
    public int? DeliveryLimit { get; init; }
    public int? MaxPriority { get; init; }
    public int? DelaySeconds { get; init; }
    public int? DeduplicationWindowSeconds { get; init; }
    public ReplicationMode? Replication { get; init; }
    public int? MaxReplicationLagSeconds { get; init; }
    public int? Shards { get; init; }

    /// <summary>The documented defaults of API.md's table.</summary>
    public static QueueArguments Defaults { get; } = new()
    {
        VisibilityTimeoutSeconds = 30,
        Overflow = OverflowMode.DropHead,
        DeliveryLimit = 20,
        DelaySeconds = 0,
        DeduplicationWindowSeconds = 300,
        Replication = ReplicationMode.Sync,
        MaxReplicationLagSeconds = 60,
        Shards = 1,
    };

    public static QueueArguments None { get; } = new();

    private static readonly PropertyInfo[] Properties = typeof(QueueArguments)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.CanWrite && p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract")
        .ToArray();

    /// <summary>The arguments set here win; the others come from <paramref name="under"/>.</summary>
    public QueueArguments Over(QueueArguments? under)
    {
        if (under is null) return this;
        var result = this with { };
        foreach (var property in Properties)
        {
            if (property.GetValue(this) is null) property.SetValue(result, property.GetValue(under));
        }
        return result;
    }

    /// <summary>Argument names (camelCase, as on the wire) whose values differ once defaults are applied:
    /// the redeclare check, RabbitMQ's PRECONDITION_FAILED with every differing argument named.</summary>
    public IReadOnlyList<string> DifferencesFrom(QueueArguments other)
    {
        var mine = Over(Defaults);
        var theirs = other.Over(Defaults);
        return Properties
            .Where(p => !Equals(p.GetValue(mine), p.GetValue(theirs)))
            .Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name))
            .ToList();
    }

    // Effective accessors: only meaningful on arguments resolved over Defaults.
    internal TimeSpan VisibilityTimeout => TimeSpan.FromSeconds(VisibilityTimeoutSeconds ?? Defaults.VisibilityTimeoutSeconds!.Value);
    internal int EffectiveDeliveryLimit => DeliveryLimit ?? Defaults.DeliveryLimit!.Value;
    internal int EffectiveShards => Shards ?? Defaults.Shards!.Value;
    internal TimeSpan DeduplicationWindow => TimeSpan.FromSeconds(DeduplicationWindowSeconds ?? Defaults.DeduplicationWindowSeconds!.Value);
    internal TimeSpan DefaultDelay => TimeSpan.FromSeconds(DelaySeconds ?? 0);
}
