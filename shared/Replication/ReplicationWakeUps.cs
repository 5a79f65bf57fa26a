using System.Collections.Concurrent;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;
using Serverless.Hosting;
using Serverless.Storage;

namespace Serverless.Replication;

/// <summary>Wakes the <c>ReplicateChanges</c> function for an async queue's partition by a message on the wake-up queue,
/// at most one per partition per <see cref="Coalesce"/> from this instance (a burst of publishes sends one; a change
/// made after the message was sent gets another at the end of the window). Sent in the background: a wake-up that is
/// lost only delays shipping until the next <c>SweepReplication</c> pass.</summary>
public sealed class ReplicationWakeUps(EngineRegions regions, TimeProvider time, ILogger<ReplicationWakeUps> logger)
{
    public static readonly TimeSpan Coalesce = TimeSpan.FromMilliseconds(200);

    /// <summary>The wake-up queue, in the primary region's queue service (the function's trigger connection is
    /// <c>Regions:Primary:ConnectionString</c>).</summary>
    public const string QueueName = "replication";

    private readonly ConcurrentDictionary<string, Window> windows = new();
    private readonly Lazy<QueueClient> queue = new(() => regions.ConfiguredPrimary.Queues.GetQueueClient(QueueName));
    private int created;

    public void Signal(string partitionKey)
    {
        var window = windows.GetOrAdd(partitionKey, _ => new Window());
        lock (window)
        {
            if (window.Open)
            {
                window.Again = true; // one more at the end of the window
                return;
            }
            window.Open = true;
        }
        _ = SendAsync(partitionKey, window);
    }

    private async Task SendAsync(string partitionKey, Window window)
    {
        while (true)
        {
            try
            {
                await EnsureQueueAsync();
                await StorageErrors.TranslateAsync(() => queue.Value.SendMessageAsync(partitionKey));
            }
            catch (Exception failure)
            {
                logger.LogDebug(failure, "No wake-up for {Partition}: the sweep will ship it.", partitionKey);
            }
            await Task.Delay(Coalesce, time);
            lock (window)
            {
                if (!window.Again)
                {
                    window.Open = false;
                    return;
                }
                window.Again = false;
            }
        }
    }

    private async Task EnsureQueueAsync()
    {
        if (Volatile.Read(ref created) == 1) return;
        await StorageErrors.TranslateAsync(() => queue.Value.CreateIfNotExistsAsync());
        Volatile.Write(ref created, 1);
    }

    private sealed class Window
    {
        public bool Open;
        public bool Again;
    }
}
