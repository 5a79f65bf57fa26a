using Microsoft.Extensions.Options;
using Serverless.Errors;
using Serverless.Policies;
using Serverless.Queues;
using Serverless.Routing;
using Serverless.Storage;

namespace Serverless.Vhosts;

public sealed record VhostInfo(string Name, DateTimeOffset CreatedAt);

/// <summary>Vhosts: namespaces of queues, exchanges, bindings and policies.</summary>
public sealed class VhostService(IMetadataStore metadata, Access.ApiKeyService keys, QueueService queues, QueueDirectory directory, TimeProvider time, IOptions<EngineOptions> options)
{
    public const string DefaultVhost = "default";

    /// <summary>Creates the vhost (true), or finds it (false). A vhost whose delete was interrupted is deleted
    /// to the end first, then created anew: none of its old contents comes back.</summary>
    public async Task<(VhostInfo Vhost, bool Created)> CreateAsync(string name, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var record = new VhostRecord(name, time.GetUtcNow());
            if (await metadata.CreateVhostAsync(record, cancellationToken))
            {
                directory.ForgetVhost(name);
                return (Describe(record), true);
            }
            var stored = await metadata.GetVhostAsync(name, cancellationToken);
            if (stored is { DeletingSince: null }) return (Describe(stored), false);
            if (stored is not null) await FinishDeleteAsync(stored, cancellationToken);
            // Deleted meanwhile, or by us just now: create it again.
        }
    }

    /// <summary>The vhosts, without those being deleted.</summary>
    public async Task<IReadOnlyList<VhostInfo>> ListAsync(CancellationToken cancellationToken = default) =>
        (await metadata.ListVhostsAsync(cancellationToken)).Where(v => v.DeletingSince is null).Select(Describe).ToList();

    /// <summary>Deletes the vhost and everything it holds: its queues (with their messages), bindings, exchanges
    /// and policies, then the vhost itself. The vhost is marked first, so a delete that stops part-way (a crash,
    /// a timeout) leaves a vhost that is gone for every purpose and that the next delete or create of the name
    /// finishes. Deleting a vhost that is being deleted finishes it.</summary>
    public async Task DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        var vhost = await metadata.GetVhostAsync(name, cancellationToken) ?? throw new NotFoundException("vhost", name);
        if (vhost.DeletingSince is null)
        {
            var since = time.GetUtcNow();
            if (!await metadata.MarkVhostDeletingAsync(name, since, cancellationToken)) throw new NotFoundException("vhost", name);
            vhost = vhost with { DeletingSince = since };
            directory.ForgetVhost(name);
        }
        await FinishDeleteAsync(vhost, cancellationToken);
    }

    /// <summary>The vhost <c>default</c> exists from first start.</summary>
    public Task EnsureDefaultAsync(CancellationToken cancellationToken = default) => CreateAsync(DefaultVhost, cancellationToken);

    private async Task FinishDeleteAsync(VhostRecord vhost, CancellationToken cancellationToken)
    {
        var name = vhost.Name;
        // Other instances treat the vhost as live until their cached definition expires: wait that out, so
        // nothing they declare in it can land after the sweep below.
        var quiet = vhost.DeletingSince!.Value + options.Value.DefinitionCacheTtl - time.GetUtcNow();
        if (quiet > TimeSpan.Zero) await Task.Delay(quiet, time, cancellationToken);

        foreach (var queue in await metadata.ListQueuesAsync(name, cancellationToken))
        {
            try
            {
                await queues.DeleteAsync(name, queue.Name, ifEmpty: false, ifUnused: false, cancellationToken);
            }
            catch (NotFoundException)
            {
                // Deleted meanwhile by a concurrent delete of the vhost or of the queue.
            }
        }
        foreach (var binding in await metadata.ListRecordsAsync<BindingRecord>(VhostCatalog.BindingKind, name, cancellationToken))
        {
            await metadata.DeleteRecordAsync(VhostCatalog.BindingKind, name, binding.Id, cancellationToken);
        }
        foreach (var exchange in await metadata.ListRecordsAsync<ExchangeRecord>(VhostCatalog.ExchangeKind, name, cancellationToken))
        {
            await metadata.DeleteRecordAsync(VhostCatalog.ExchangeKind, name, exchange.Name, cancellationToken);
        }
        foreach (var policy in await metadata.ListRecordsAsync<PolicyInfo>(VhostCatalog.PolicyKind, name, cancellationToken))
        {
            await metadata.DeleteRecordAsync(VhostCatalog.PolicyKind, name, policy.Name, cancellationToken);
        }
        await keys.RevokeVhostAsync(name, cancellationToken);
        await metadata.DeleteVhostAsync(name, cancellationToken);
        directory.ForgetVhost(name);
    }

    private static VhostInfo Describe(VhostRecord vhost) => new(vhost.Name, vhost.CreatedAt);
}
