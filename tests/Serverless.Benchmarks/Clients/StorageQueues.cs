using Azure.Core;
using Azure.Storage.Queues;
using Serverless.Storage;

namespace Serverless.Benchmarks.Clients;

/// <summary>The peer a user of Azure would pick instead: Azure Storage Queues, used directly on the primary
/// Azurite, requests counted with the same <see cref="StorageRequestCounter"/>.</summary>
public sealed class StorageQueues(string connectionString)
{
    public StorageRequestCounter Counter { get; } = new();

    public Load.RequestCount Requests => _ => Task.FromResult(Counter.Count);

    public async Task<QueueClient> CreateQueueAsync(string name, CancellationToken cancellationToken)
    {
        var options = new QueueClientOptions();
        options.Diagnostics.IsLoggingEnabled = false;
        options.Diagnostics.IsDistributedTracingEnabled = false;
        options.AddPolicy(Counter, HttpPipelinePosition.PerRetry);
        var queue = new QueueClient(connectionString, name, options);
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        return queue;
    }
}
