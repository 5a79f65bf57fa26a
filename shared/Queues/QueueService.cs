using Serverless.Errors;
using Serverless.Messages;
using Serverless.Routing;
using Serverless.Storage;

namespace Serverless.Queues;

/// <summary>Declares, inspects, deletes and purges queues.</summary>
public sealed class QueueService(IMetadataStore metadata, IMessageStore messages, QueueDirectory directory, VhostCatalogs catalogs, TimeProvider time)
{
    /// <summary>Declares a queue: created, or already there with equivalent arguments;
    /// a different declaration is RabbitMQ's PRECONDITION_FAILED (409) naming every differing argument.</summary>
    public async Task<(QueueInfo Queue, bool Created)> DeclareAsync(string vhost, string queue, QueueArguments arguments, CancellationToken cancellationToken = default)
    {
        await directory.EnsureVhostAsync(vhost, cancellationToken);
        var (record, created) = await metadata.CreateQueueAsync(new QueueRecord(vhost, queue, arguments, time.GetUtcNow()), cancellationToken);
        if (!created)
        {
            var differences = arguments.DifferencesFrom(record.Arguments);
            if (differences.Count > 0)
            {
                throw new ConflictException("Queue exists with different arguments.",
                    $"Queue '{queue}' exists with different arguments: {string.Join(", ", differences)}.")
                {
                    Errors = differences.ToDictionary(d => "arguments." + d, d => new[] { "differs from the existing queue's value" }),
                };
            }
        }
        directory.Forget(vhost, queue);
        if (!created) await metadata.TouchQueueAsync(vhost, queue, time.GetUtcNow(), cancellationToken);
        var definition = QueueDefinition.From(record, await catalogs.GetAsync(vhost, cancellationToken));
        return (created ? Describe(definition, PartitionCounts.Zero) : await DescribeAsync(definition, cancellationToken), created);
    }

    public async Task<QueueInfo> GetAsync(string vhost, string queue, CancellationToken cancellationToken = default)
    {
        directory.Forget(vhost, queue);
        return await DescribeAsync(await directory.GetQueueAsync(vhost, queue, cancellationToken), cancellationToken);
    }

    public async Task<IReadOnlyList<QueueInfo>> ListAsync(string vhost, CancellationToken cancellationToken = default)
    {
        await directory.EnsureVhostAsync(vhost, cancellationToken);
        var records = await metadata.ListQueuesAsync(vhost, cancellationToken);
        var catalog = await catalogs.GetAsync(vhost, cancellationToken);
        return await Task.WhenAll(records.Select(r => DescribeAsync(QueueDefinition.From(r, catalog), cancellationToken)));
    }

    /// <summary>Deletes a queue and its messages. <paramref name="ifEmpty"/>: only with no message at all;
    /// <paramref name="ifUnused"/>: only with no message in flight (leased by a consumer).</summary>
    public async Task DeleteAsync(string vhost, string queue, bool ifEmpty, bool ifUnused, CancellationToken cancellationToken = default)
    {
        directory.Forget(vhost, queue);
        var definition = await directory.GetQueueAsync(vhost, queue, cancellationToken);
        if (ifEmpty || ifUnused)
        {
            var counts = await CountAsync(definition, cancellationToken);
            if (ifEmpty && counts.Ready + counts.InFlight + counts.Delayed > 0)
                throw new ConflictException("Queue is not empty.", $"Queue '{queue}' holds {counts.Ready + counts.InFlight + counts.Delayed} messages.");
            if (ifUnused && counts.InFlight > 0)
                throw new ConflictException("Queue is in use.", $"Queue '{queue}' has {counts.InFlight} messages in flight.");
        }
        await metadata.DeleteQueueAsync(vhost, queue, cancellationToken);
        // A deleted queue takes its bindings with it (RabbitMQ).
        foreach (var binding in (await catalogs.GetAsync(vhost, cancellationToken)).Bindings.Where(b => b.DestinationType == DestinationType.Queue && b.Destination == queue))
        {
            await metadata.DeleteRecordAsync(VhostCatalog.BindingKind, vhost, binding.Id, cancellationToken);
        }
        directory.Forget(vhost, queue);
        catalogs.Forget(vhost);
        await Task.WhenAll(definition.Partitions.Select(p => messages.DeletePartitionAsync(p, cancellationToken)));
    }

    /// <summary>Deletes ready and delayed messages; messages in flight stay with their consumers (RabbitMQ's purge).</summary>
    public async Task<PurgeResult> PurgeAsync(string vhost, string queue, CancellationToken cancellationToken = default)
    {
        var definition = await directory.GetQueueAsync(vhost, queue, cancellationToken);
        var purged = await Task.WhenAll(definition.Partitions.Select(p => messages.PurgeAsync(p, time.GetUtcNow(), cancellationToken)));
        return new PurgeResult(purged.Sum());
    }

    private async Task<QueueInfo> DescribeAsync(QueueDefinition definition, CancellationToken cancellationToken) =>
        Describe(definition, await CountAsync(definition, cancellationToken));

    private async Task<PartitionCounts> CountAsync(QueueDefinition definition, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var counts = await Task.WhenAll(definition.Partitions.Select(p => messages.CountAsync(p, now, cancellationToken)));
        return counts.Aggregate(PartitionCounts.Zero, (sum, c) => sum.Add(c));
    }

    private static QueueInfo Describe(QueueDefinition definition, PartitionCounts counts) => new(
        definition.Name,
        definition.Vhost,
        definition.Record.Arguments,
        definition.Effective,
        definition.Policy,
        definition.Record.CreatedAt,
        new MessageCounts(counts.Ready, counts.InFlight, counts.Delayed, counts.Ready + counts.InFlight + counts.Delayed),
        counts.Bytes,
        new ReplicationStatus(definition.Effective.Replication ?? ReplicationMode.Sync, Synchronized: true, LagMessages: 0, LagSeconds: 0));
}
