using System.Text.Json;

namespace Serverless.Benchmarks.Clients;

/// <summary>How far the secondary is behind, as the service reports it for one queue (<c>replication</c> of
/// <c>GET .../queues/{queue}</c>) or for the whole secondary region (its entry in <c>GET /api/v1/topology</c>).</summary>
public sealed record ReplicationReading(bool Synchronized, long LagMessages, double LagSeconds)
{
    /// <summary>Caught up: synchronized with nothing left to ship.</summary>
    public bool CaughtUp => Synchronized && LagMessages == 0;

    public static ReplicationReading From(JsonElement element) => new(
        element.GetProperty("synchronized").GetBoolean(),
        element.GetProperty("lagMessages").GetInt64(),
        element.GetProperty("lagSeconds").GetDouble());
}
