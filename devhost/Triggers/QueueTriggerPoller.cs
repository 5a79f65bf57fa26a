using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging;

namespace Serverless.DevHost.Triggers;

/// <summary>Runs one queue-triggered function over one Azure Storage queue as the host's queue trigger does: takes a
/// batch of messages with a processing lease, runs the function on each in parallel, deletes a message whose run
/// succeeded, makes a failed one visible again for a retry, and moves a message to <c>&lt;queue&gt;-poison</c> once it
/// has been delivered <see cref="QueuePollingOptions.MaxDequeueCount"/> times without success.</summary>
public sealed class QueueTriggerPoller(
    QueueClient queue, QueueClient poisonQueue, QueuePollingOptions options,
    Func<QueueDelivery, CancellationToken, Task<bool>> run, ILogger logger)
{
    /// <summary>Polls until <paramref name="cancellationToken"/> fires, waiting longer (up to the maximum polling
    /// interval) while the queue stays empty. <paramref name="beforePoll"/> runs before each poll (e.g. to wait for a worker).</summary>
    public async Task RunAsync(Func<CancellationToken, Task> beforePoll, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(beforePoll);
        var idle = options.MinPollingInterval;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await beforePoll(cancellationToken);
                var taken = await PollOnceAsync(cancellationToken);
                if (taken > 0)
                {
                    idle = options.MinPollingInterval;
                    continue;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is RequestFailedException or AggregateException or HttpRequestException or TimeoutException)
            {
                logger.LogWarning("Polling queue {Queue} failed: {Reason}", queue.Name, ex.Message);
            }

            try
            {
                await Task.Delay(idle, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            idle = idle * 2 > options.MaxPollingInterval ? options.MaxPollingInterval : idle * 2;
        }
    }

    /// <summary>Takes one batch and runs the function on each message; returns how many messages were taken.
    /// A queue that does not exist yet counts as empty.</summary>
    public async Task<int> PollOnceAsync(CancellationToken cancellationToken = default)
    {
        QueueMessage[] messages;
        try
        {
            messages = (await queue.ReceiveMessagesAsync(options.BatchSize, options.ProcessingLease, cancellationToken)).Value;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return 0;
        }

        await Task.WhenAll(messages.Select(m => ProcessAsync(m, cancellationToken)));
        return messages.Length;
    }

    private async Task ProcessAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        // Delivered too often already (e.g. its runs kept killing the worker): never run it again.
        if (message.DequeueCount > options.MaxDequeueCount)
        {
            await MoveToPoisonAsync(message, cancellationToken);
            return;
        }

        bool succeeded;
        try
        {
            succeeded = await run(QueueDelivery.From(message), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Queue message {MessageId} of {Queue} could not be run: {Reason}", message.MessageId, queue.Name, ex.Message);
            succeeded = false;
        }

        try
        {
            if (succeeded)
            {
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
            }
            else if (message.DequeueCount >= options.MaxDequeueCount)
            {
                await MoveToPoisonAsync(message, cancellationToken);
            }
            else
            {
                await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: options.RetryDelay, cancellationToken: cancellationToken);
            }
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 400)
        {
            // The lease was lost (the message was deleted or taken again meanwhile): its next holder settles it.
            logger.LogDebug("Queue message {MessageId} of {Queue} could not be settled: {Reason}", message.MessageId, queue.Name, ex.Message);
        }
    }

    private async Task MoveToPoisonAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        logger.LogWarning("Queue message {MessageId} of {Queue} was delivered {Count} times without success; moving it to {Poison}",
            message.MessageId, queue.Name, message.DequeueCount, poisonQueue.Name);
        await poisonQueue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await poisonQueue.SendMessageAsync(message.Body, cancellationToken: cancellationToken);
        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
    }
}
