using System.Collections.Concurrent;
using Serverless.Storage;

namespace Serverless.UnitTests.Fakes;

/// <summary>An <see cref="IMetadataStore"/> in memory that counts reads and lets a test hold or fail them,
/// for the caches above the store. Reads honour their cancellation token, as the SDK does.</summary>
public sealed class InMemoryMetadataStore : IMetadataStore
{
    private readonly ConcurrentDictionary<string, VhostRecord> vhosts = new();
    private readonly ConcurrentDictionary<(string Vhost, string Name), QueueRecord> queues = new();
    private readonly ConcurrentDictionary<(string Kind, string Vhost, string Key), object> records = new();
    private int reads;

    /// <summary>Storage reads so far (gets and lists).</summary>
    public int Reads => Volatile.Read(ref reads);

    /// <summary>While set, every read waits for it (or for its own cancellation).</summary>
    public TaskCompletionSource? Gate { get; set; }

    /// <summary>When set, the next read throws it (once).</summary>
    public Exception? FailNextRead { get; set; }

    public Task<bool> CreateVhostAsync(VhostRecord vhost, CancellationToken cancellationToken = default) => Task.FromResult(vhosts.TryAdd(vhost.Name, vhost));

    public async Task<VhostRecord?> GetVhostAsync(string name, CancellationToken cancellationToken = default)
    {
        await ReadAsync(cancellationToken);
        return vhosts.GetValueOrDefault(name);
    }

    public async Task<IReadOnlyList<VhostRecord>> ListVhostsAsync(CancellationToken cancellationToken = default)
    {
        await ReadAsync(cancellationToken);
        return [.. vhosts.Values];
    }

    public Task<bool> DeleteVhostAsync(string name, CancellationToken cancellationToken = default) => Task.FromResult(vhosts.TryRemove(name, out _));

    public Task<bool> MarkVhostDeletingAsync(string name, DateTimeOffset since, CancellationToken cancellationToken = default) =>
        Task.FromResult(vhosts.TryGetValue(name, out var vhost) && vhosts.TryUpdate(name, vhost with { DeletingSince = since }, vhost));

    public Task<(QueueRecord Queue, bool Created)> CreateQueueAsync(QueueRecord queue, CancellationToken cancellationToken = default) =>
        Task.FromResult(queues.TryAdd((queue.Vhost, queue.Name), queue) ? (queue, true) : (queues[(queue.Vhost, queue.Name)], false));

    public async Task<QueueRecord?> GetQueueAsync(string vhost, string name, CancellationToken cancellationToken = default)
    {
        await ReadAsync(cancellationToken);
        return queues.GetValueOrDefault((vhost, name));
    }

    public async Task<IReadOnlyList<QueueRecord>> ListQueuesAsync(string vhost, CancellationToken cancellationToken = default)
    {
        await ReadAsync(cancellationToken);
        return [.. queues.Values.Where(q => q.Vhost == vhost)];
    }

    public Task<bool> DeleteQueueAsync(string vhost, string name, CancellationToken cancellationToken = default) => Task.FromResult(queues.TryRemove((vhost, name), out _));

    public Task<QueueRecord?> SetQueueDeletingAsync(QueueRecord queue, QueueDeleteState? deleting, CancellationToken cancellationToken = default) =>
        Task.FromResult(queues.TryUpdate((queue.Vhost, queue.Name), queue with { Deleting = deleting }, queue) ? queues[(queue.Vhost, queue.Name)] : null);

    public Task<bool> DeleteQueueAsync(QueueRecord queue, CancellationToken cancellationToken = default) =>
        Task.FromResult(queues.TryRemove(new KeyValuePair<(string, string), QueueRecord>((queue.Vhost, queue.Name), queue)));

    public Task TouchQueueAsync(string vhost, string name, DateTimeOffset usedAt, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task<bool> AddRecordAsync<T>(string kind, string vhost, string key, T record, CancellationToken cancellationToken = default) =>
        Task.FromResult(records.TryAdd((kind, vhost, key), record!));

    public Task PutRecordAsync<T>(string kind, string vhost, string key, T record, CancellationToken cancellationToken = default)
    {
        records[(kind, vhost, key)] = record!;
        return Task.CompletedTask;
    }

    public async Task<T?> GetRecordAsync<T>(string kind, string vhost, string key, CancellationToken cancellationToken = default) where T : class
    {
        await ReadAsync(cancellationToken);
        return records.GetValueOrDefault((kind, vhost, key)) as T;
    }

    public async Task<IReadOnlyList<T>> ListRecordsAsync<T>(string kind, string vhost, CancellationToken cancellationToken = default)
    {
        await ReadAsync(cancellationToken);
        return [.. records.Where(r => r.Key.Kind == kind && r.Key.Vhost == vhost).Select(r => (T)r.Value)];
    }

    public Task<bool> DeleteRecordAsync(string kind, string vhost, string key, CancellationToken cancellationToken = default) =>
        Task.FromResult(records.TryRemove((kind, vhost, key), out _));

    private async Task ReadAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref reads);
        if (Gate is { } gate) await gate.Task.WaitAsync(cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        if (FailNextRead is { } failure)
        {
            FailNextRead = null;
            throw failure;
        }
    }
}
