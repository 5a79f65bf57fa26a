using Azure.Storage.Queues.Models;

namespace Serverless.DevHost.Triggers;

/// <summary>A queue message handed to a queue-triggered function, with what the host's trigger metadata exposes.</summary>
public sealed record QueueDelivery(
    string MessageId, string PopReceipt, BinaryData Body, long DequeueCount,
    DateTimeOffset? InsertedOn, DateTimeOffset? ExpiresOn, DateTimeOffset? NextVisibleOn)
{
    public static QueueDelivery From(QueueMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new QueueDelivery(message.MessageId, message.PopReceipt, message.Body, message.DequeueCount,
            message.InsertedOn, message.ExpiresOn, message.NextVisibleOn);
    }
}
