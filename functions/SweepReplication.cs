using Serverless.Failover;
using Serverless.Replication;

namespace Serverless.Functions;

/// <summary>Every 5 s: ships what requests and wake-ups left in the outboxes, measures lag, catches up a secondary
/// region that was away (then marks it synchronized), and after a forced failover reconciles the old primary first.</summary>
public sealed class SweepReplication(ReplicationSweeper sweeper)
{
    [Function(nameof(SweepReplication))]
    public Task<ReplicationSweep> Run([TimerTrigger("*/5 * * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        sweeper.SweepAsync(cancellationToken);
}
