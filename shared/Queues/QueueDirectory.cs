using Microsoft.Extensions.Options;
using Serverless.Errors;
using Serverless.Routing;
using Serverless.Storage;

namespace Serverless.Queues;

/// <summary>Looks up queue and vhost definitions for the hot paths (publish, receive, ack) without a
/// storage read per request: definitions are cached for <see cref="EngineOptions.DefinitionCacheTtl"/>.
/// Changes made through this instance invalidate at once; other instances see them within the TTL.
/// A missing queue is remembered like a found one; a missing vhost is not (it is an error each time).
/// A vhost being deleted is missing for <see cref="EnsureVhostAsync"/>, but its queues are still found until
/// the delete has deleted them.</summary>
public sealed class QueueDirectory(IMetadataStore metadata, VhostCatalogs catalogs, TimeProvider time, IOptions<EngineOptions> options) : IDisposable
{
    private readonly DefinitionCache<(string Vhost, string Queue), QueueDefinition?> queues = new(time, options.Value.DefinitionCacheTtl);
    private readonly DefinitionCache<string, VhostRecord> vhosts = new(time, options.Value.DefinitionCacheTtl);

    public async Task<QueueDefinition> GetQueueAsync(string vhost, string queue, CancellationToken cancellationToken = default) =>
        await FindQueueAsync(vhost, queue, cancellationToken) ?? throw new NotFoundException("queue", queue);

    public Task<QueueDefinition?> FindQueueAsync(string vhost, string queue, CancellationToken cancellationToken = default) =>
        queues.GetAsync((vhost, queue), LoadQueueAsync, cancellationToken);

    /// <summary>Throws 404 unless the vhost exists and is not being deleted: nothing new is made in a vhost
    /// being deleted.</summary>
    public async Task EnsureVhostAsync(string vhost, CancellationToken cancellationToken = default)
    {
        if ((await vhosts.GetAsync(vhost, LoadVhostAsync, cancellationToken)).DeletingSince is not null) throw new NotFoundException("vhost", vhost);
    }

    public void Forget(string vhost, string queue) => queues.Remove((vhost, queue));

    public void ForgetVhost(string vhost)
    {
        vhosts.Remove(vhost);
        ForgetQueues(vhost);
    }

    /// <summary>Forgets every cached vhost and queue (metadata was written behind the engine's back: a reconciliation).</summary>
    public void ForgetAll()
    {
        vhosts.RemoveWhere(_ => true);
        queues.RemoveWhere(_ => true);
    }

    /// <summary>After a policy change: every queue of the vhost gets new effective arguments at once.</summary>
    public void ForgetQueues(string vhost)
    {
        catalogs.Forget(vhost);
        queues.RemoveWhere(key => key.Vhost == vhost);
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

    public void Dispose()
    {
        queues.Dispose();
        vhosts.Dispose();
    }

    // The queues of a vhost being deleted are still found: the delete deletes them through QueueService.
    private async Task<QueueDefinition?> LoadQueueAsync((string Vhost, string Queue) key)
    {
        await vhosts.GetAsync(key.Vhost, LoadVhostAsync);
        var record = await metadata.GetQueueAsync(key.Vhost, key.Queue);
        return record is null ? null : QueueDefinition.From(record, await catalogs.GetAsync(key.Vhost));
    }

    private async Task<VhostRecord> LoadVhostAsync(string vhost) =>
        await metadata.GetVhostAsync(vhost) ?? throw new NotFoundException("vhost", vhost);
}
