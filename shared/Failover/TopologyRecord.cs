using System.Text.Json.Serialization;

namespace Serverless.Failover;

/// <summary>Which region takes writes, stored in both regions (table <c>Topology</c>). Every instance reads both and
/// trusts the higher <see cref="Epoch"/>; a promotion writes epoch + 1 to the new primary first.</summary>
public sealed record TopologyRecord(long Epoch, string Primary, string Secondary)
{
    public AutoFailoverSettings AutoFailover { get; init; } = AutoFailoverSettings.Default;

    public FailoverRecord? LastFailover { get; init; }

    /// <summary>A planned failover is draining: writes are answered 503 + Retry-After until then.</summary>
    public DateTimeOffset? WritesPausedUntil { get; init; }

    /// <summary>When <see cref="Primary"/> became primary (a forced promotion: the old primary is reconciled only once
    /// every instance has seen this epoch).</summary>
    public DateTimeOffset? PromotedAt { get; init; }

    /// <summary>Forced promotion: the old primary may hold changes the new one lacks; they are re-published before it
    /// is re-synchronized as the secondary.</summary>
    public bool ReconcilePending { get; init; }

    /// <summary>When this copy was written: of two copies with the same epoch, the later one holds (a change made while
    /// one region was away).</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    public static TopologyRecord Initial(string primary, string secondary) => new(1, primary, secondary);
}

/// <summary><c>autoFailover</c>: RabbitMQ's <c>ha-promote-on-failure</c> — <c>whenSynced</c> promotes only a synchronized
/// secondary, <c>always</c> promotes it anyway (what it had not received is reported and recovered later).</summary>
public sealed record AutoFailoverSettings(bool Enabled, int ProbeIntervalSeconds, int FailureThreshold, string Promote)
{
    public const string WhenSynced = "whenSynced", Always = "always";

    public static AutoFailoverSettings Default { get; } = new(true, 5, 3, WhenSynced);
}

/// <summary>The last promotion: from, to, the epoch it made, how, what may be missing, and how long it took.</summary>
public sealed record FailoverRecord(string From, string To, long Epoch, string Mode, long UnreplicatedMessages, DateTimeOffset StartedAt, DateTimeOffset CompletedAt)
{
    [JsonPropertyName("durationSeconds")]
    public double DurationSeconds => Math.Round((CompletedAt - StartedAt).TotalSeconds, 3);

    /// <summary>Why it ran (an operator's request, or the probes).</summary>
    public string Reason { get; init; } = "";

    /// <summary>Forced: messages of the old primary re-published into the new one once it returned (null until then).</summary>
    public long? RecoveredMessages { get; init; }
}
