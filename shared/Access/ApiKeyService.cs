using Microsoft.Extensions.Options;
using Serverless.Errors;
using Serverless.Queues;
using Serverless.Storage;

namespace Serverless.Access;

/// <summary>API keys: created for a vhost with RabbitMQ permissions, listed without secrets, revoked. Stored as
/// metadata records, so they are replicated and promoted like every definition.</summary>
public sealed class ApiKeyService(IMetadataStore metadata, TimeProvider time, IOptions<AuthOptions> options) : IDisposable
{
    public const string Kind = "key", Scope = "*";

    private readonly DefinitionCache<string, ApiKeyRecord?> cache = new(time, options.Value.KeyCacheTtl);

    public async Task<ApiKeyCreated> CreateAsync(CreateKeyRequest request, CancellationToken cancellationToken = default)
    {
        var vhost = request.Vhost!;
        if (await metadata.GetVhostAsync(vhost, cancellationToken) is not { DeletingSince: null }) throw new NotFoundException("vhost", vhost);
        var (id, key, salt, hash) = ApiKeySecret.Create();
        var record = new ApiKeyRecord(id, vhost, request.Configure!, request.Write!, request.Read!, salt, hash, time.GetUtcNow());
        await metadata.AddRecordAsync(Kind, Scope, id, record, cancellationToken);
        cache.Remove(id);
        return new ApiKeyCreated(id, key, record.Vhost, record.Configure, record.Write, record.Read, record.CreatedAt);
    }

    /// <summary>Every key, or those of one vhost; ordered by vhost, then creation.</summary>
    public async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(string? vhost = null, CancellationToken cancellationToken = default) =>
        (await metadata.ListRecordsAsync<ApiKeyRecord>(Kind, Scope, cancellationToken))
            .Where(k => vhost is null || k.Vhost == vhost)
            .OrderBy(k => k.Vhost, StringComparer.Ordinal).ThenBy(k => k.CreatedAt).ThenBy(k => k.Id, StringComparer.Ordinal)
            .Select(k => k.Describe()).ToList();

    /// <summary>Revokes the key: this instance forgets it at once, the others within <see cref="AuthOptions.KeyCacheSeconds"/>.</summary>
    public async Task RevokeAsync(string id, CancellationToken cancellationToken = default)
    {
        var deleted = await metadata.DeleteRecordAsync(Kind, Scope, id, cancellationToken);
        cache.Remove(id);
        if (!deleted) throw new NotFoundException("key", id);
    }

    /// <summary>Revokes every key of a vhost being deleted (RabbitMQ drops a vhost's permissions with it).</summary>
    public async Task RevokeVhostAsync(string vhost, CancellationToken cancellationToken = default)
    {
        foreach (var key in await metadata.ListRecordsAsync<ApiKeyRecord>(Kind, Scope, cancellationToken))
        {
            if (key.Vhost != vhost) continue;
            await metadata.DeleteRecordAsync(Kind, Scope, key.Id, cancellationToken);
            cache.Remove(key.Id);
        }
    }

    /// <summary>The caller a presented key stands for, or null when it is not a known key.</summary>
    public async Task<Caller?> AuthenticateAsync(string key, CancellationToken cancellationToken = default)
    {
        if (!ApiKeySecret.TryParse(key, out var id, out var secret)) return null;
        var record = await cache.GetAsync(id, LoadAsync, cancellationToken);
        if (record is null || !ApiKeySecret.Verify(record, secret)) return null;
        return new Caller($"key:{record.Id}", false, [record.Grant]);
    }

    public void Dispose() => cache.Dispose();

    private Task<ApiKeyRecord?> LoadAsync(string id) => metadata.GetRecordAsync<ApiKeyRecord>(Kind, Scope, id);
}
