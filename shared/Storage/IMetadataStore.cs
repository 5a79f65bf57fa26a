using Serverless.Messages;
using Serverless.Queues;

namespace Serverless.Storage;

public sealed record VhostRecord(string Name, DateTimeOffset CreatedAt);

public sealed record QueueRecord(string Vhost, string Name, QueueArguments Arguments, DateTimeOffset CreatedAt)
{
    /// <summary>Last publish, receive or declare, as recorded (at most once a minute per instance).</summary>
    public DateTimeOffset? LastUsedAt { get; init; }

    /// <summary>Names this queue's partitions; new at every declare that creates the queue, so rows of a deleted
    /// queue of the same name can never be taken for this one's.</summary>
    public string Incarnation { get; init; } = "";

    /// <summary>Set while a delete is under way (or was interrupted): what it must check and what it took away.</summary>
    public QueueDeleteState? Deleting { get; init; }

    /// <summary>The stored version, for conditional updates.</summary>
    public string? ETag { get; init; }
}

/// <summary>A queue delete in progress: its conditions, when it began, and the shards' head rows it took away
/// (null until taken; put back if the delete is refused or rolled back).</summary>
public sealed record QueueDeleteState(DateTimeOffset Since, bool IfEmpty, bool IfUnused, IReadOnlyList<PartitionHeadState?>? Heads);

/// <summary>A deleted queue incarnation whose rows are still to be collected.</summary>
public sealed record DeadIncarnation(string Vhost, string Queue, string Incarnation, DateTimeOffset DeletedAt);

/// <summary>Vhosts and queue definitions of one region's store.</summary>
public interface IMetadataStore
{
    /// <summary>Creates the vhost; false when it was already there.</summary>
    Task<bool> CreateVhostAsync(VhostRecord vhost, CancellationToken cancellationToken = default);
    Task<VhostRecord?> GetVhostAsync(string name, CancellationToken cancellationToken = default);
    Task<IReadOnlyList<VhostRecord>> ListVhostsAsync(CancellationToken cancellationToken = default);
    Task<bool> DeleteVhostAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Creates the queue unless one of that name exists; returns the stored definition and whether it was created.</summary>
    Task<(QueueRecord Queue, bool Created)> CreateQueueAsync(QueueRecord queue, CancellationToken cancellationToken = default);
    Task<QueueRecord?> GetQueueAsync(string vhost, string name, CancellationToken cancellationToken = default);
    Task<IReadOnlyList<QueueRecord>> ListQueuesAsync(string vhost, CancellationToken cancellationToken = default);
    Task<bool> DeleteQueueAsync(string vhost, string name, CancellationToken cancellationToken = default);

    /// <summary>Replaces the queue's delete state (null clears it) if the record is still <paramref name="queue"/>'s version;
    /// returns the stored record, or null when it changed meanwhile.</summary>
    Task<QueueRecord?> SetQueueDeletingAsync(QueueRecord queue, QueueDeleteState? deleting, CancellationToken cancellationToken = default);

    /// <summary>Deletes the queue record if it is still <paramref name="queue"/>'s version.</summary>
    Task<bool> DeleteQueueAsync(QueueRecord queue, CancellationToken cancellationToken = default);

    /// <summary>Marks the queue used now (publish, receive, declare), for <c>expiresSeconds</c>.</summary>
    Task TouchQueueAsync(string vhost, string name, DateTimeOffset usedAt, CancellationToken cancellationToken = default);

    /// <summary>Adds a record of a kind (exchange, binding, policy) in a vhost; false when the key exists.</summary>
    Task<bool> AddRecordAsync<T>(string kind, string vhost, string key, T record, CancellationToken cancellationToken = default);

    /// <summary>Creates or replaces a record.</summary>
    Task PutRecordAsync<T>(string kind, string vhost, string key, T record, CancellationToken cancellationToken = default);

    Task<T?> GetRecordAsync<T>(string kind, string vhost, string key, CancellationToken cancellationToken = default) where T : class;

    Task<IReadOnlyList<T>> ListRecordsAsync<T>(string kind, string vhost, CancellationToken cancellationToken = default);

    Task<bool> DeleteRecordAsync(string kind, string vhost, string key, CancellationToken cancellationToken = default);
}
