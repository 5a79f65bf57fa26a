using Azure.Core;
using Azure.Core.Pipeline;

namespace Serverless.Storage;

/// <summary>Counts every storage request the clients send, each retry included: in Azure that is the
/// bill. The service registers it only with <c>Diagnostics:CountStorageRequests=true</c> (the benchmark
/// sets it) and reports it at <c>GET /api/v1/diagnostics/storage-requests</c>.</summary>
public sealed class StorageRequestCounter : HttpPipelinePolicy
{
    private long count;

    /// <summary>Requests sent since start or the last <see cref="Reset"/>.</summary>
    public long Count => Interlocked.Read(ref count);

    public void Reset() => Interlocked.Exchange(ref count, 0);

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Interlocked.Increment(ref count);
        ProcessNext(message, pipeline);
    }

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Interlocked.Increment(ref count);
        return ProcessNextAsync(message, pipeline);
    }
}
