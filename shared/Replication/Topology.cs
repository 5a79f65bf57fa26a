using System.Text.Json.Serialization;

namespace Serverless.Replication;

/// <summary><c>GET /api/v1/topology</c>: the regions, which one takes writes, and how far the secondary is behind.</summary>
public sealed record Topology(long Epoch, string Primary, IReadOnlyList<RegionTopology> Regions);

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
