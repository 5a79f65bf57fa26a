using Azure;
using Azure.Core;
using Azure.Messaging;
using Azure.Messaging.EventGrid;

namespace Serverless.Events;

/// <summary>Sends events to an Event Grid topic as CloudEvents 1.0 (one batch POST per call). The SDK's own retries
/// are off: the publisher's lane retries whole batches, so a topic that is down costs a bounded number of attempts.</summary>
internal sealed class EventGridSender(EventGridPublisherClient client)
{
    /// <summary>Events per request: with <see cref="DomainEvent.MaxDataLength"/>, below Event Grid's 1 MB per request.</summary>
    public const int MaxBatch = 100;

    /// <summary>How long one attempt may take before it counts as failed.</summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);

    public static EventGridSender? Create(EventGridOptions options)
    {
        if (!options.IsConfigured) return null;
        var clientOptions = new EventGridPublisherClientOptions();
        clientOptions.Retry.MaxRetries = 0;
        clientOptions.Retry.NetworkTimeout = AttemptTimeout;
        clientOptions.Diagnostics.IsLoggingEnabled = false;
        clientOptions.Diagnostics.IsDistributedTracingEnabled = false;
        return new EventGridSender(new EventGridPublisherClient(new Uri(options.TopicEndpoint), new AzureKeyCredential(options.TopicKey), clientOptions));
    }

    public async Task SendAsync(IReadOnlyList<DomainEvent> events, CancellationToken cancellationToken = default) =>
        await client.SendEventsAsync(events.Select(ToCloudEvent), cancellationToken);

    /// <summary>The event as the SDK's CloudEvent: <c>data</c> as JSON (not base64), <c>datacontenttype</c>
    /// <c>application/json</c>, and the event's own id and time.</summary>
    internal static CloudEvent ToCloudEvent(DomainEvent domainEvent) =>
        new(CloudEventInfo.ServiceSource, domainEvent.Type, new BinaryData(domainEvent.Data.GetRawText()), CloudEventInfo.JsonContentType, CloudEventDataFormat.Json)
        {
            Id = domainEvent.Id,
            Time = domainEvent.Time,
            Subject = domainEvent.Subject,
        };
}
