using Serverless.Events;
using Serverless.Storage;

namespace Serverless.Queues;

/// <summary>The events of a queue's life. Subject <c>/vhosts/{vhost}/queues/{queue}</c>; data names the queue (and, on
/// creation, its arguments as declared).</summary>
public static class QueueEvents
{
    public static DomainEvent Created(QueueRecord queue) =>
        DomainEvent.Create(EventTypes.QueueCreated, Subject(queue.Vhost, queue.Name), new { vhost = queue.Vhost, queue = queue.Name, arguments = queue.Arguments }, queue.CreatedAt);

    public static DomainEvent Deleted(QueueRecord queue, DateTimeOffset at) =>
        DomainEvent.Create(EventTypes.QueueDeleted, Subject(queue.Vhost, queue.Name), new { vhost = queue.Vhost, queue = queue.Name }, at);

    public static string Subject(string vhost, string queue) => $"/vhosts/{vhost}/queues/{queue}";
}
