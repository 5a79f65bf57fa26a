using Serverless.Storage;

namespace Serverless.Failover;

/// <summary>The metadata store the engine uses: the current primary's (mirrored to the secondary), looked up per call;
/// changes are refused (503 + Retry-After) while a planned failover drains.</summary>
public sealed class RoutedMetadataStore(RegionRoles roles) : IMetadataStore
{
    public async Task<bool> CreateVhostAsync(VhostRecord vhost, CancellationToken cancellationToken = default)
    {
        return await roles.WriteAsync(store => store.Metadata.CreateVhostAsync(vhost, cancellationToken), cancellationToken);
    }

    public async Task<VhostRecord?> GetVhostAsync(string name, CancellationToken cancellationToken = default)
    {
        var store = await roles.ForReadAsync(cancellationToken);
        return await store.Metadata.GetVhostAsync(name, cancellationToken);
    }

    public async Task<IReadOnlyList<VhostRecord>> ListVhostsAsync(CancellationToken cancellationToken = default)
    {
        var store = await roles.ForReadAsync(cancellationToken);
        return await store.Metadata.ListVhostsAsync(cancellationToken);
    }

    public async Task<bool> DeleteVhostAsync(string name, CancellationToken cancellationToken = default)
    {
        return await roles.WriteAsync(store => store.Metadata.DeleteVhostAsync(name, cancellationToken), cancellationToken);
    }

    public async Task<bool> MarkVhostDeletingAsync(string name, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        return await roles.WriteAsync(store => store.Metadata.MarkVhostDeletingAsync(name, since, cancellationToken), cancellationToken);
    }

    public async Task<(QueueRecord Queue, bool Created)> CreateQueueAsync(QueueRecord queue, CancellationToken cancellationToken = default)
    {
        return await roles.WriteAsync(store => store.Metadata.CreateQueueAsync(queue, cancellationToken), cancellationToken);
    }

    public async Task<QueueRecord?> GetQueueAsync(string vhost, string name, CancellationToken cancellationToken = default)
    {
        var store = await roles.ForReadAsync(cancellationToken);
        return await store.Metadata.GetQueueAsync(vhost, name, cancellationToken);
    }

    public async Task<IReadOnlyList<QueueRecord>> ListQueuesAsync(string vhost, CancellationToken cancellationToken = default)
    {
        var store = await roles.ForReadAsync(cancellationToken);
        return await store.Metadata.ListQueuesAsync(vhost, cancellationToken);
    }

    public async Task<bool> DeleteQueueAsync(string vhost, string name, CancellationToken cancellationToken = default)
    {
        return await roles.WriteAsync(store => store.Metadata.DeleteQueueAsync(vhost, name, cancellationToken), cancellationToken);
    }

    public async Task<QueueRecord?> SetQueueDeletingAsync(QueueRecord queue, QueueDeleteState? deleting, CancellationToken cancellationToken = default)
    {
        return await roles.WriteAsync(store => store.Metadata.SetQueueDeletingAsync(queue, deleting, cancellationToken), cancellationToken);
    }

    public async Task<bool> DeleteQueueAsync(QueueRecord queue, CancellationToken cancellationToken = default)
    {
        return await roles.WriteAsync(store => store.Metadata.DeleteQueueAsync(queue, cancellationToken), cancellationToken);
    }

    public async Task TouchQueueAsync(string vhost, string name, DateTimeOffset usedAt, CancellationToken cancellationToken = default)
    {
        await roles.WriteAsync(async store => { await store.Metadata.TouchQueueAsync(vhost, name, usedAt, cancellationToken); return true; }, cancellationToken);
    }

    public async Task<bool> AddRecordAsync<T>(string kind, string vhost, string key, T record, CancellationToken cancellationToken = default)
    {
        return await roles.WriteAsync(store => store.Metadata.AddRecordAsync<T>(kind, vhost, key, record, cancellationToken), cancellationToken);
    }

    public async Task PutRecordAsync<T>(string kind, string vhost, string key, T record, CancellationToken cancellationToken = default)
    {
        await roles.WriteAsync(async store => { await store.Metadata.PutRecordAsync<T>(kind, vhost, key, record, cancellationToken); return true; }, cancellationToken);
    }

    public async Task<T?> GetRecordAsync<T>(string kind, string vhost, string key, CancellationToken cancellationToken = default) where T : class
    {
        var store = await roles.ForReadAsync(cancellationToken);
        return await store.Metadata.GetRecordAsync<T>(kind, vhost, key, cancellationToken);
    }

    public async Task<IReadOnlyList<T>> ListRecordsAsync<T>(string kind, string vhost, CancellationToken cancellationToken = default)
    {
        var store = await roles.ForReadAsync(cancellationToken);
        return await store.Metadata.ListRecordsAsync<T>(kind, vhost, cancellationToken);
    }

    public async Task<bool> DeleteRecordAsync(string kind, string vhost, string key, CancellationToken cancellationToken = default)
    {
        return await roles.WriteAsync(store => store.Metadata.DeleteRecordAsync(kind, vhost, key, cancellationToken), cancellationToken);
    }
}
