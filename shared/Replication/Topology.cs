using System.Text.Json.Serialization;
using Serverless.Failover;

namespace Serverless.Replication;

/// <summary><c>GET /api/v1/topology</c>: the epoch, the regions, which one takes writes, how far the secondary is behind,
/// automatic failover's settings and the last failover. <see cref="UnreplicatedMessages"/> only in a forced failover's
/// answer: what the old primary may hold that the new one lacks (recovered when it returns).</summary>
public sealed record Topology(long Epoch, string Primary, IReadOnlyList<RegionTopology> Regions, AutoFailoverSettings AutoFailover,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] FailoverRecord? LastFailover)
{
    public long? UnreplicatedMessages { get; init; }
}

/// <summary>One region as measured now: reachable (probed), synchronized (the secondary's stored standing; the primary
/// is the source), and the changes it has not received yet (counted from the outboxes, up to a bound per partition).</summary>
public sealed record RegionTopology(
    string Name,
    string Role,
    bool Reachable,
    bool Synchronized,
    long LagMessages,
    double LagSeconds,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? LastProbeAt);
