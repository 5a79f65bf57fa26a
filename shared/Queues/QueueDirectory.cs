using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Serverless.Errors;
using Serverless.Routing;
using Serverless.Storage;

namespace Serverless.Queues;

/// <summary>Looks up queue and vhost definitions for the hot paths (publish, receive, ack) without a
/// storage read per request: definitions are cached for <see cref="EngineOptions.DefinitionCacheTtl"/>.
/// Changes made through this instance invalidate at once; other instances see them within the TTL.</summary>
public sealed class QueueDirectory(IMetadataStore metadata, VhostCatalogs catalogs, TimeProvider time, IOptions<EngineOptions> options)
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
        var definition = record is null ? null : QueueDefinition.From(record, await catalogs.GetAsync(vhost, cancellationToken));
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
        ForgetQueues(vhost);
    }

    /// <summary>After a policy change: every queue of the vhost gets new effective arguments at once.</summary>
    public void ForgetQueues(string vhost)
    {
        catalogs.Forget(vhost);
        foreach (var key in queues.Keys.Where(k => k.Vhost == vhost)) queues.TryRemove(key, out _);
    }

    /// <summary>Every queue of every vhost, uncached (for timers).</summary>
    public async Task<List<QueueDefinition>> AllQueuesAsync(CancellationToken cancellationToken = default)
    {
        var all = new List<QueueDefinition>();
        foreach (var vhost in await metadata.ListVhostsAsync(cancellationToken))
        {
            var catalog = await catalogs.GetAsync(vhost.Name, cancellationToken);
            all.AddRange((await metadata.ListQueuesAsync(vhost.Name, cancellationToken)).Select(r => QueueDefinition.From(r, catalog)));
        }
        return all;
    }
}
