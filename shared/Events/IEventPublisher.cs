namespace Serverless.Events;

/// <summary>The one way events leave the engine: to the events table (<c>GET /api/v1/events</c>) and, when a topic
/// is configured, to Event Grid. Publishing never fails nor slows the operation that raised the event.</summary>
public interface IEventPublisher
{
    /// <summary>Hands the event to the background writers and returns at once; it does not wait for storage or
    /// Event Grid, and never throws for them (a failure is retried, then logged). The token is not used: an event
    /// of a change that happened is published even when its request is abandoned.</summary>
    Task PublishAsync(DomainEvent domainEvent, CancellationToken cancellationToken = default);

    /// <summary>Waits until every event published before this call is stored and sent, or given up after its
    /// retries, then trims the events table. For tests and shutdown.</summary>
    Task FlushAsync(CancellationToken cancellationToken = default);
}
