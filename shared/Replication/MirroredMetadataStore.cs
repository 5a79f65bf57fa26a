using Serverless.Errors;
using Serverless.Storage;
using Serverless.Storage.Tables;

namespace Serverless.Replication;

/// <summary>The metadata store the engine uses: reads and writes the primary region's store, and after each write copies
/// the row it changed to the secondary as the primary now holds it (state, not the action: copying twice or late is
/// harmless). A copy the secondary does not take is left to the next sweep, which compares all of metadata.</summary>
public sealed class MirroredMetadataStore(TableMetadataStore primary, TableMetadataMirror mirror, MetadataMirrorState mirrorState) : IMetadataStore
{
    public Task<bool> CreateVhostAsync(VhostRecord vhost, CancellationToken cancellationToken = default) =>
        MirroredAsync(TableMetadataStore.VhostRow(vhost.Name), () => primary.CreateVhostAsync(vhost, cancellationToken), cancellationToken);

    public Task<VhostRecord?> GetVhostAsync(string name, CancellationToken cancellationToken = default) => primary.GetVhostAsync(name, cancellationToken);

    public Task<IReadOnlyList<VhostRecord>> ListVhostsAsync(CancellationToken cancellationToken = default) => primary.ListVhostsAsync(cancellationToken);

    public Task<bool> DeleteVhostAsync(string name, CancellationToken cancellationToken = default) =>
        MirroredAsync(TableMetadataStore.VhostRow(name), () => primary.DeleteVhostAsync(name, cancellationToken), cancellationToken);

    public Task<bool> MarkVhostDeletingAsync(string name, DateTimeOffset since, CancellationToken cancellationToken = default) =>
        MirroredAsync(TableMetadataStore.VhostRow(name), () => primary.MarkVhostDeletingAsync(name, since, cancellationToken), cancellationToken);

    public Task<(QueueRecord Queue, bool Created)> CreateQueueAsync(QueueRecord queue, CancellationToken cancellationToken = default) =>
        MirroredAsync(TableMetadataStore.QueueRow(queue.Vhost, queue.Name), () => primary.CreateQueueAsync(queue, cancellationToken), cancellationToken);

    public Task<QueueRecord?> GetQueueAsync(string vhost, string name, CancellationToken cancellationToken = default) => primary.GetQueueAsync(vhost, name, cancellationToken);

    public Task<IReadOnlyList<QueueRecord>> ListQueuesAsync(string vhost, CancellationToken cancellationToken = default) => primary.ListQueuesAsync(vhost, cancellationToken);

    public Task<bool> DeleteQueueAsync(string vhost, string name, CancellationToken cancellationToken = default) =>
        MirroredAsync(TableMetadataStore.QueueRow(vhost, name), () => primary.DeleteQueueAsync(vhost, name, cancellationToken), cancellationToken);

    public Task<QueueRecord?> SetQueueDeletingAsync(QueueRecord queue, QueueDeleteState? deleting, CancellationToken cancellationToken = default) =>
        MirroredAsync(TableMetadataStore.QueueRow(queue.Vhost, queue.Name), () => primary.SetQueueDeletingAsync(queue, deleting, cancellationToken), cancellationToken);

    public Task<bool> DeleteQueueAsync(QueueRecord queue, CancellationToken cancellationToken = default) =>
        MirroredAsync(TableMetadataStore.QueueRow(queue.Vhost, queue.Name), () => primary.DeleteQueueAsync(queue, cancellationToken), cancellationToken);

    /// <summary>Not copied at once (it changes on every use of a queue with an expiry): the periodic comparison carries it.</summary>
    public Task TouchQueueAsync(string vhost, string name, DateTimeOffset usedAt, CancellationToken cancellationToken = default) =>
        primary.TouchQueueAsync(vhost, name, usedAt, cancellationToken);

    public Task<bool> AddRecordAsync<T>(string kind, string vhost, string key, T record, CancellationToken cancellationToken = default) =>
        MirroredAsync(TableMetadataStore.RecordRow(kind, vhost, key), () => primary.AddRecordAsync(kind, vhost, key, record, cancellationToken), cancellationToken);

    public Task PutRecordAsync<T>(string kind, string vhost, string key, T record, CancellationToken cancellationToken = default) =>
        MirroredAsync(TableMetadataStore.RecordRow(kind, vhost, key), async () =>
        {
            await primary.PutRecordAsync(kind, vhost, key, record, cancellationToken);
            return true;
        }, cancellationToken);

    public Task<T?> GetRecordAsync<T>(string kind, string vhost, string key, CancellationToken cancellationToken = default) where T : class =>
        primary.GetRecordAsync<T>(kind, vhost, key, cancellationToken);

    public Task<IReadOnlyList<T>> ListRecordsAsync<T>(string kind, string vhost, CancellationToken cancellationToken = default) =>
        primary.ListRecordsAsync<T>(kind, vhost, cancellationToken);

    public Task<bool> DeleteRecordAsync(string kind, string vhost, string key, CancellationToken cancellationToken = default) =>
        MirroredAsync(TableMetadataStore.RecordRow(kind, vhost, key), () => primary.DeleteRecordAsync(kind, vhost, key, cancellationToken), cancellationToken);

    private async Task<T> MirroredAsync<T>((string PartitionKey, string RowKey) row, Func<Task<T>> write, CancellationToken cancellationToken)
    {
        var result = await write();
        if (mirrorState.Paused)
        {
            mirrorState.Dirty();
            return result;
        }
        try
        {
            await mirror.CopyRowAsync(row.PartitionKey, row.RowKey, cancellationToken);
        }
        catch (UnavailableException)
        {
            mirrorState.Failed();
        }
        return result;
    }
}
