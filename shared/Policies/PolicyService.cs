using Serverless.Errors;
using Serverless.Queues;
using Serverless.Routing;
using Serverless.Storage;

namespace Serverless.Policies;

/// <summary>Policies by name pattern (<c>rabbitmqctl set_policy</c>): of those matching a queue or exchange,
/// the highest priority one applies, to existing and future ones, at once. A queue's own arguments win.</summary>
public sealed class PolicyService(IMetadataStore metadata, QueueDirectory directory, TimeProvider time)
{
    public async Task<(PolicyInfo Policy, bool Created)> PutAsync(string vhost, string name, PutPolicyRequest request, CancellationToken cancellationToken = default)
    {
        await directory.EnsureVhostAsync(vhost, cancellationToken);
        var existing = await metadata.GetRecordAsync<PolicyInfo>(VhostCatalog.PolicyKind, vhost, name, cancellationToken);
        var policy = new PolicyInfo(name, vhost, request.Pattern!, request.ApplyTo ?? PolicyApplyTo.All, request.Priority ?? 0,
            request.Definition ?? new PolicyDefinition(), existing?.CreatedAt ?? time.GetUtcNow()) { UpdatedAt = time.GetUtcNow() };
        await metadata.PutRecordAsync(VhostCatalog.PolicyKind, vhost, name, policy, cancellationToken);
        directory.ForgetQueues(vhost);
        return (policy, existing is null);
    }

    public async Task<PolicyInfo> GetAsync(string vhost, string name, CancellationToken cancellationToken = default)
    {
        await directory.EnsureVhostAsync(vhost, cancellationToken);
        return await metadata.GetRecordAsync<PolicyInfo>(VhostCatalog.PolicyKind, vhost, name, cancellationToken) ?? throw new NotFoundException("policy", name);
    }

    public async Task<IReadOnlyList<PolicyInfo>> ListAsync(string vhost, CancellationToken cancellationToken = default)
    {
        await directory.EnsureVhostAsync(vhost, cancellationToken);
        return (await metadata.ListRecordsAsync<PolicyInfo>(VhostCatalog.PolicyKind, vhost, cancellationToken)).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
    }

    public async Task DeleteAsync(string vhost, string name, CancellationToken cancellationToken = default)
    {
        await directory.EnsureVhostAsync(vhost, cancellationToken);
        if (!await metadata.DeleteRecordAsync(VhostCatalog.PolicyKind, vhost, name, cancellationToken)) throw new NotFoundException("policy", name);
        directory.ForgetQueues(vhost);
    }
}
