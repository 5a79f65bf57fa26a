using Serverless.DevHost.Functions;

namespace Serverless.DevHost.Triggers;

/// <summary>How a queue trigger polls and retries, from host.json's <c>extensions.queues</c>.</summary>
public sealed record QueuePollingOptions
{
    /// <summary>Deliveries of a message before it moves to <c>&lt;queue&gt;-poison</c>; default 5.</summary>
    public int MaxDequeueCount { get; init; } = 5;

    /// <summary>Messages taken per poll and run in parallel; default 16.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>How long a failed message stays invisible before its retry; default 0.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.Zero;

    /// <summary>How long a message stays invisible while its function runs; default 10 minutes.</summary>
    public TimeSpan ProcessingLease { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The first wait after an empty poll, doubling up to <see cref="MaxPollingInterval"/>; default 100 ms.</summary>
    public TimeSpan MinPollingInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest wait between polls of an empty queue; default 1 minute.</summary>
    public TimeSpan MaxPollingInterval { get; init; } = TimeSpan.FromMinutes(1);

    public static QueuePollingOptions From(HostJson host)
    {
        ArgumentNullException.ThrowIfNull(host);
        return new QueuePollingOptions
        {
            MaxDequeueCount = host.QueueMaxDequeueCount,
            BatchSize = host.QueueBatchSize,
            RetryDelay = host.QueueVisibilityTimeout,
            MaxPollingInterval = host.QueueMaxPollingInterval,
        };
    }
}
