using Serverless.Replication;

namespace Serverless.Failover;

/// <summary>The <c>SweepReplication</c> pass for the current orientation. After a forced failover the old primary is
/// reconciled first: until then the catch-up (whose full copy would delete what only the old primary holds) waits.</summary>
public sealed class ReplicationSweeper(RegionRoles roles, Reconciler reconciler)
{
    public async Task<ReplicationSweep> SweepAsync(CancellationToken cancellationToken = default)
    {
        var topology = await roles.GetAsync(cancellationToken);
        if (topology.ReconcilePending)
        {
            var reconciled = await reconciler.RunIfDueAsync(cancellationToken);
            if (!reconciled.Done) return new ReplicationSweep(0, CaughtUp: false, $"reconciling: {reconciled.Waiting}");
        }
        return await roles.Current.Replicator.SweepAsync(cancellationToken);
    }
}
