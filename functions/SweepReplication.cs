using Serverless.Replication;

namespace Serverless.Functions;

/// <summary>Every 5 s: ships what requests and wake-ups left in the outboxes, measures lag, and catches up a secondary
/// region that was away (then marks it synchronized).</summary>
public sealed class SweepReplication(Replicator replicator)
{
    [Function(nameof(SweepReplication))]
    public Task<ReplicationSweep> Run([TimerTrigger("*/5 * * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        replicator.SweepAsync(cancellationToken);
}
