using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Serverless.Errors;
using Serverless.Storage;

namespace Serverless.Queues;

/// <summary>Looks up queue and vhost definitions for the hot paths (publish, receive, ack) without a
/// storage read per request: definitions are cached for <see cref="EngineOptions.DefinitionCacheTtl"/>.
/// Changes made through this instance invalidate at once; other instances see them within the TTL.</summary>
public sealed class QueueDirectory(IMetadataStore metadata, TimeProvider time, IOptions<EngineOptions> options)
{
    private readonly ConcurrentDictionary<(string Vhost, string Queue), (QueueDefinition? Definition, DateTimeOffset Until)> queues = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> vhosts = new();
    private readonly TimeSpan ttl = options.Value.DefinitionCacheTtl;

    public async Task<QueueDefinition> GetQueueAsync(string vhost, string queue, CancellationToken cancellationToken = default) =>
        await FindQueueAsync(vhost, queue, cancellationToken) ?? throw new NotFoundException("queue", queue);

    public async Task<QueueDefinition?> FindQueueAsync(string vhost, string queue, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        if (queues.TryGetValue((vhost, queue), out var cached) && cached.Until > now) return cached.Definition;
        await EnsureVhostAsync(vhost, cancellationToken);
        var record = await metadata.GetQueueAsync(vhost, queue, cancellationToken);
        var definition = record is null ? null : QueueDefinition.From(record);
        queues[(vhost, queue)] = (definition, now + ttl);
        return definition;
    }

    public async Task EnsureVhostAsync(string vhost, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        if (vhosts.TryGetValue(vhost, out var until) && until > now) return;
        if (await metadata.GetVhostAsync(vhost, cancellationToken) is null) throw new NotFoundException("vhost", vhost);
        vhosts[vhost] = now + ttl;
    }

    public void Forget(string vhost, string queue) => queues.TryRemove((vhost, queue), out _);

    public void ForgetVhost(string vhost)
    {
        vhosts.TryRemove(vhost, out _);
        foreach (var key in queues.Keys.Where(k => k.Vhost == vhost)) queues.TryRemove(key, out _);
    }
}
