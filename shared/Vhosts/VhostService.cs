using Serverless.Errors;
using Serverless.Queues;
using Serverless.Storage;

namespace Serverless.Vhosts;

public sealed record VhostInfo(string Name, DateTimeOffset CreatedAt);

/// <summary>Vhosts: namespaces of queues (and later exchanges, bindings, policies, keys).</summary>
public sealed class VhostService(IMetadataStore metadata, QueueService queues, QueueDirectory directory, TimeProvider time)
{
    public const string DefaultVhost = "default";

    public async Task<(VhostInfo Vhost, bool Created)> CreateAsync(string name, CancellationToken cancellationToken = default)
    {
        var record = new VhostRecord(name, time.GetUtcNow());
        var created = await metadata.CreateVhostAsync(record, cancellationToken);
        var stored = created ? record : await metadata.GetVhostAsync(name, cancellationToken) ?? record;
        return (new VhostInfo(stored.Name, stored.CreatedAt), created);
    }

    public async Task<IReadOnlyList<VhostInfo>> ListAsync(CancellationToken cancellationToken = default) =>
        (await metadata.ListVhostsAsync(cancellationToken)).Select(v => new VhostInfo(v.Name, v.CreatedAt)).ToList();

    /// <summary>Deletes the vhost and every queue (with its messages) in it.</summary>
    public async Task DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        if (await metadata.GetVhostAsync(name, cancellationToken) is null) throw new NotFoundException("vhost", name);
        foreach (var queue in await metadata.ListQueuesAsync(name, cancellationToken))
        {
            await queues.DeleteAsync(name, queue.Name, ifEmpty: false, ifUnused: false, cancellationToken);
        }
        await metadata.DeleteVhostAsync(name, cancellationToken);
        directory.ForgetVhost(name);
    }

    /// <summary>The vhost <c>default</c> exists from first start.</summary>
    public Task EnsureDefaultAsync(CancellationToken cancellationToken = default) => CreateAsync(DefaultVhost, cancellationToken);
}
