using Microsoft.Extensions.Logging;
using Serverless.Queues;
using Serverless.Routing;
using Serverless.Storage;

namespace Serverless.Messages;

/// <summary>Dead-lettering and redrive as an idempotent move. Step 1 (by the caller, in the store) takes
/// the message out of its queue's index and writes a pending move in the same transaction. Step 2 here
/// stores the copy at its destination keyed by the move's identity, so doing it twice stores one copy.
/// Step 3 deletes the pending move and the message. A process that dies between steps leaves a pending
/// move that the next receive, nack or the <c>ExpireMessages</c> timer completes: never lost, never twice.</summary>
public sealed class MessageMover(IMessageStore store, QueueDirectory directory, VhostCatalogs catalogs, SequenceGenerator sequences, QueueSignals signals, TimeProvider time, ILogger<MessageMover> logger)
{
    private const int MovesPerPass = 100;

    /// <summary>How a queue disposes of a message leaving it for <paramref name="reason"/>: to its
    /// dead-letter exchange when it has one, else dropped.</summary>
    public static Disposal DisposalFor(QueueDefinition queue, string reason) =>
        queue.Effective.DeadLetterExchange is null ? Disposal.Drop : Disposal.DeadLetter(reason);

    /// <summary>Completes the pending moves of a partition; returns how many finished.</summary>
    public async Task<int> CompleteAsync(QueueDefinition source, QueuePartition partition, CancellationToken cancellationToken = default)
    {
        var finished = 0;
        IReadOnlyList<PendingMove> moves;
        do
        {
            moves = await store.ListMovesAsync(partition, MovesPerPass, cancellationToken);
            if (moves.Count == 0) break;
            var contents = await store.ReadAsync(partition, moves.Select(m => m.Entry.Sequence).ToList(), cancellationToken);
            var catalog = await catalogs.GetAsync(source.Vhost, cancellationToken);
            foreach (var (move, content) in moves.Zip(contents))
            {
                if (content is not null) await CopyAsync(source, partition, move, content, catalog, cancellationToken);
                if (await store.FinishMoveAsync(partition, move, cancellationToken)) finished++;
            }
        }
        while (moves.Count == MovesPerPass);
        return finished;
    }

    /// <summary><c>rejectPublishDlx</c>: messages a full queue refused go to its dead-letter exchange, keyed by
    /// message id so a publisher's retry does not dead-letter them twice.</summary>
    public async Task DeadLetterRefusedAsync(QueueDefinition source, IReadOnlyList<MessageContent> contents, CancellationToken cancellationToken = default)
    {
        var catalog = await catalogs.GetAsync(source.Vhost, cancellationToken);
        foreach (var content in contents)
        {
            await DeadLetterAsync(source, content, Death.MaxLength, $"rj|{source.Vhost}/{source.Name}|{content.MessageId}", catalog, cancellationToken);
        }
    }

    private async Task CopyAsync(QueueDefinition source, QueuePartition partition, PendingMove move, MessageContent content, VhostCatalog catalog, CancellationToken cancellationToken)
    {
        var moveKey = $"mv|{partition}|{move.Entry.Sequence}";
        if (move.RedriveTo is { } target)
        {
            if (await directory.FindQueueAsync(source.Vhost, target, cancellationToken) is { } destination)
            {
                await AppendCopyAsync(destination, content with { EnqueuedAt = time.GetUtcNow() }, moveKey, cancellationToken);
            }
            else
            {
                logger.LogWarning("Redrive target {Queue} was deleted; message {MessageId} is dropped.", target, content.MessageId);
            }
            return;
        }
        await DeadLetterAsync(source, content, move.Reason ?? Death.Rejected, moveKey, catalog, cancellationToken);
    }

    private async Task DeadLetterAsync(QueueDefinition source, MessageContent content, string reason, string moveKey, VhostCatalog catalog, CancellationToken cancellationToken)
    {
        // The dead-letter exchange may have been removed (by a policy change) since step 1: then the message is dropped, as without one.
        if (source.Effective.DeadLetterExchange is not { } exchange) return;
        var now = time.GetUtcNow();
        var routingKey = source.Effective.DeadLetterRoutingKey ?? content.RoutingKey;
        var copy = content with
        {
            Exchange = exchange,
            RoutingKey = routingKey,
            Deaths = Death.Record(content.Deaths, source.Name, reason, now, content.Exchange, content.RoutingKey),
            EnqueuedAt = now,
        };
        foreach (var queue in Router.Route(catalog, exchange, routingKey, content.Headers))
        {
            if (await directory.FindQueueAsync(source.Vhost, queue, cancellationToken) is { } destination)
            {
                await AppendCopyAsync(destination, copy, moveKey, cancellationToken);
            }
        }
    }

    /// <summary>Stores a moved copy (dead-lettered or redriven) as a new message of <paramref name="queue"/>:
    /// delivery count starts again, the expiration is removed (RabbitMQ), and the dedup window is keyed on
    /// the move so that repeating the move stores one copy.</summary>
    internal async Task AppendCopyAsync(QueueDefinition queue, MessageContent content, string moveKey, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var message = new MessageToStore(sequences.Next(), content, Publisher.RankOf(queue, content.Priority), ExpiresAt: null, VisibleAt: null, DeduplicateUntil: now + MoveDeduplicationWindow)
        {
            DeduplicationKey = moveKey,
        };
        var shard = Publisher.ShardOf(moveKey, queue.Effective.EffectiveShards);
        await store.AppendAsync(queue.Partition(shard), [message], cancellationToken);
        signals.Notify(queue.Vhost, queue.Name);
    }

    /// <summary>Long enough to outlast any pending move: they are completed within seconds, by the timer at the latest.</summary>
    private static readonly TimeSpan MoveDeduplicationWindow = TimeSpan.FromDays(1);
}
