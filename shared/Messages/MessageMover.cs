using Microsoft.Extensions.Logging;
using Serverless.Errors;
using Serverless.Queues;
using Serverless.Routing;
using Serverless.Storage;

namespace Serverless.Messages;

/// <summary>Dead-lettering and redrive as an idempotent move. Step 1 (by the caller, in the store) takes
/// the message out of its queue's index and writes a pending move in the same transaction. Step 2 here
/// stores the copy at its destination keyed by the move's identity, so doing it twice stores one copy.
/// Step 3 deletes the pending move (and the message's body row). A process that dies between steps leaves a pending
/// move that the next receive, nack or the <c>ExpireMessages</c> timer completes: never lost, never twice.
/// Copies enter their queue like a publish: its length limit applies (and may send them on to its own dead-letter
/// exchange), so a chain of dead-letter queues is followed, to a bounded depth.</summary>
public sealed class MessageMover(IMessageStore store, QueueDirectory directory, VhostCatalogs catalogs, QueueAppender appender, SequenceGenerator sequences, QueueSignals signals, TimeProvider time, ILogger<MessageMover> logger, Events.IEventPublisher events, Telemetry.ServiceMetrics metrics)
{
    private const int MovesPerPass = 100;

    /// <summary>How many dead-letter hops one publish or settlement follows at once; the rest wait for the timer.</summary>
    private const int MaxDepth = 4;

    /// <summary>Long enough to outlast any pending move: they are completed within seconds, by the timer at the latest.</summary>
    private static readonly TimeSpan MoveDeduplicationWindow = TimeSpan.FromDays(1);

    /// <summary>How a queue disposes of a message leaving it for <paramref name="reason"/>: to its
    /// dead-letter exchange when it has one, else dropped.</summary>
    public static Disposal DisposalFor(QueueDefinition queue, string reason) =>
        queue.Effective.DeadLetterExchange is null ? Disposal.Drop : Disposal.DeadLetter(reason);

    /// <summary>Appends to a queue and follows up what its overflow did: messages refused by <c>rejectPublishDlx</c>
    /// are dead-lettered, and moves left by <c>dropHead</c> are completed.</summary>
    public Task<QueueAppendOutcome> AppendAsync(QueueDefinition queue, IReadOnlyList<MessageToStore> messages, CancellationToken cancellationToken = default) =>
        AppendAsync(queue, messages, depth: 0, cancellationToken);

    private async Task<QueueAppendOutcome> AppendAsync(QueueDefinition queue, IReadOnlyList<MessageToStore> messages, int depth, CancellationToken cancellationToken)
    {
        var outcome = await appender.AppendAsync(queue, messages, cancellationToken);
        if (depth < MaxDepth)
        {
            if (outcome.Refused.Count > 0 && queue.Effective.Overflow == OverflowMode.RejectPublishDlx)
            {
                var catalog = await catalogs.GetAsync(queue.Vhost, cancellationToken);
                foreach (var content in outcome.Refused)
                {
                    // Keyed by message id: a publisher's retry does not dead-letter it twice.
                    await DeadLetterAsync(queue, content, Death.MaxLength, $"rj|{queue.Vhost}/{queue.Name}|{content.MessageId}", catalog, depth + 1, cancellationToken);
                }
            }
            foreach (var partition in outcome.PendingMoves) await CompleteAsync(queue, partition, depth + 1, cancellationToken);
        }
        signals.Notify(queue.Vhost, queue.Name);
        return outcome;
    }

    /// <summary>Completes the pending moves of a partition; returns how many finished.</summary>
    public Task<int> CompleteAsync(QueueDefinition source, QueuePartition partition, CancellationToken cancellationToken = default) =>
        CompleteAsync(source, partition, depth: 0, cancellationToken);

    private async Task<int> CompleteAsync(QueueDefinition source, QueuePartition partition, int depth, CancellationToken cancellationToken)
    {
        var finished = 0;
        IReadOnlyList<PendingMove> moves;
        do
        {
            moves = await store.ListMovesAsync(partition, MovesPerPass, cancellationToken);
            if (moves.Count == 0) break;
            var contents = await store.ContentsAsync(partition, moves.Select(m => m.Entry).ToList(), cancellationToken);
            var catalog = await catalogs.GetAsync(source.Vhost, cancellationToken);
            foreach (var (move, found) in moves.Zip(contents))
            {
                if (found is { } content)
                {
                    await CopyAsync(source, partition, move, content, catalog, depth, cancellationToken);
                }
                if (await store.FinishMoveAsync(partition, move, cancellationToken)) finished++;
            }
        }
        while (moves.Count == MovesPerPass);
        return finished;
    }

    private async Task CopyAsync(QueueDefinition source, QueuePartition partition, PendingMove move, MessageContent content, VhostCatalog catalog, int depth, CancellationToken cancellationToken)
    {
        var moveKey = $"mv|{partition}|{move.Entry.Sequence}";
        if (move.RedriveTo is { } target)
        {
            if (await directory.FindQueueAsync(source.Vhost, target, cancellationToken) is { } destination)
            {
                await AppendCopyAsync(destination, content with { EnqueuedAt = time.GetUtcNow() }, moveKey, depth, cancellationToken);
            }
            else
            {
                logger.LogWarning("Redrive target {Queue} was deleted; message {MessageId} is dropped.", target, content.MessageId);
            }
            return;
        }
        await DeadLetterAsync(source, content, move.Reason ?? Death.Rejected, moveKey, catalog, depth, cancellationToken);
    }

    private async Task DeadLetterAsync(QueueDefinition source, MessageContent content, string reason, string moveKey, VhostCatalog catalog, int depth, CancellationToken cancellationToken)
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
        var reached = new List<string>();
        foreach (var queue in Router.Route(catalog, exchange, routingKey, content.Headers))
        {
            if (DeadLetterCycles.IsCycle(copy.Deaths, queue, reason))
            {
                // Back into a queue it died in, with no rejection since: RabbitMQ drops it rather than loop.
                logger.LogInformation("Message {MessageId} dead-lettered from {Source} in a cycle back to {Queue} ({Reason}) is dropped.", content.MessageId, source.Name, queue, reason);
                continue;
            }
            if (await directory.FindQueueAsync(source.Vhost, queue, cancellationToken) is { } destination)
            {
                if (await AppendCopyAsync(destination, copy, moveKey, depth, cancellationToken)) reached.Add(queue);
            }
        }
        metrics.DeadLettered(source.Vhost, source.Name, reason);
        await events.PublishAsync(MessageEvents.DeadLettered(source, content.MessageId, reason, exchange, routingKey, reached, now), cancellationToken);
    }

    /// <summary>Stores a moved copy (dead-lettered or redriven) as a new message of <paramref name="queue"/>:
    /// delivery count starts again, the message's own expiration is removed (RabbitMQ; the queue's TTL applies), and the
    /// dedup window is keyed on the move so that repeating the move stores one copy. A copy storage did not take
    /// (it failed) keeps the move pending; a destination deleted meanwhile drops it, as RabbitMQ does.</summary>
    /// <returns>False when the destination was deleted meanwhile and the copy dropped.</returns>
    private async Task<bool> AppendCopyAsync(QueueDefinition queue, MessageContent content, string moveKey, int depth, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var ttl = queue.Effective.MessageTtlSeconds;
        var message = new MessageToStore(sequences.Next(), content, Publisher.RankOf(queue, content.Priority),
            ExpiresAt: ttl is int seconds ? now.AddSeconds(seconds) : null, VisibleAt: null, DeduplicateUntil: now + MoveDeduplicationWindow)
        {
            DeduplicationKey = moveKey,
        };
        try
        {
            var outcome = await AppendAsync(queue, [message], depth, cancellationToken);
            if (outcome.Failure is { } failure) throw failure;
            return true;
        }
        catch (NotFoundException)
        {
            logger.LogInformation("Dead-letter target {Queue} was deleted; message {MessageId} is dropped.", queue.Name, content.MessageId);
            return false;
        }
    }
}
