using Serverless.Replication;

namespace Serverless.Functions;

/// <summary>Woken by a message on the <c>replication</c> queue (sent when an async queue changes): ships that partition's
/// outbox to the secondary region. A secondary that does not answer leaves them to the sweep's catch-up.</summary>
public sealed class ReplicateChanges(Replicator replicator)
{
    [Function(nameof(ReplicateChanges))]
    public Task<int> Run(
        [QueueTrigger(ReplicationWakeUps.QueueName, Connection = "Regions:Primary:ConnectionString")] string partitionKey,
        CancellationToken cancellationToken) =>
        replicator.ShipOnWakeUpAsync(partitionKey, cancellationToken);
}
