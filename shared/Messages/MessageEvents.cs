using Serverless.Events;
using Serverless.Queues;

namespace Serverless.Messages;

/// <summary>The events of a message's life worth a page. Subject: the queue it left, <c>/vhosts/{vhost}/queues/{queue}</c>.</summary>
public static class MessageEvents
{
    /// <summary>A message left <paramref name="source"/> for its dead-letter exchange (<paramref name="reason"/>:
    /// <c>rejected</c>, <c>expired</c>, <c>maxlen</c>, <c>delivery_limit</c>); <paramref name="deadLetterQueues"/> are the
    /// queues that took a copy (none: the exchange routed it nowhere, and it is gone, as in RabbitMQ).</summary>
    public static DomainEvent DeadLettered(QueueDefinition source, string messageId, string reason, string exchange, string routingKey, IReadOnlyList<string> deadLetterQueues, DateTimeOffset at) =>
        DomainEvent.Create(EventTypes.MessageDeadLettered, QueueEvents.Subject(source.Vhost, source.Name),
            new { vhost = source.Vhost, queue = source.Name, messageId, reason, deadLetterExchange = exchange, routingKey, deadLetterQueues }, at);
}
