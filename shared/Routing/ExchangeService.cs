using Serverless.Errors;
using Serverless.Names;
using Serverless.Policies;
using Serverless.Queues;
using Serverless.Storage;

namespace Serverless.Routing;

/// <summary>Declares, inspects and deletes exchanges. The built-in ones exist in every vhost and cannot be changed.</summary>
public sealed class ExchangeService(IMetadataStore metadata, QueueDirectory directory, VhostCatalogs catalogs, TimeProvider time)
{
    public async Task<(ExchangeInfo Exchange, bool Created)> DeclareAsync(string vhost, string name, DeclareExchangeRequest request, CancellationToken cancellationToken = default)
    {
        await directory.EnsureVhostAsync(vhost, cancellationToken);
        var declared = new ExchangeRecord(name, request.Type!.Value, request.AlternateExchange, time.GetUtcNow());
        if (VhostCatalog.BuiltIn.TryGetValue(name, out var builtInType))
        {
            if (builtInType != declared.Type || declared.AlternateExchange is not null) throw Mismatch(name, ["type"]);
            return (Describe(vhost, new ExchangeRecord(name, builtInType, null, DateTimeOffset.UnixEpoch), await catalogs.GetAsync(vhost, cancellationToken)), false);
        }
        if (ResourceName.IsReserved(name)) throw InvalidRequestException.For("exchange", "names starting with 'amq.' are reserved for the built-in exchanges");
        var created = await metadata.AddRecordAsync(VhostCatalog.ExchangeKind, vhost, name, declared, cancellationToken);
        var stored = created ? declared : await metadata.GetRecordAsync<ExchangeRecord>(VhostCatalog.ExchangeKind, vhost, name, cancellationToken) ?? declared;
        if (!created)
        {
            var differences = new List<string>();
            if (stored.Type != declared.Type) differences.Add("type");
            if (stored.AlternateExchange != declared.AlternateExchange) differences.Add("alternateExchange");
            if (differences.Count > 0) throw Mismatch(name, differences);
        }
        catalogs.Forget(vhost);
        return (Describe(vhost, stored, await catalogs.GetAsync(vhost, cancellationToken)), created);
    }

    public async Task<ExchangeInfo> GetAsync(string vhost, string name, CancellationToken cancellationToken = default)
    {
        await directory.EnsureVhostAsync(vhost, cancellationToken);
        catalogs.Forget(vhost);
        var catalog = await catalogs.GetAsync(vhost, cancellationToken);
        return Describe(vhost, catalog.FindExchange(name) ?? throw new NotFoundException("exchange", name), catalog);
    }

    public async Task<IReadOnlyList<ExchangeInfo>> ListAsync(string vhost, CancellationToken cancellationToken = default)
    {
        await directory.EnsureVhostAsync(vhost, cancellationToken);
        catalogs.Forget(vhost);
        var catalog = await catalogs.GetAsync(vhost, cancellationToken);
        return VhostCatalog.BuiltIn.Keys.Select(name => catalog.FindExchange(name)!)
            .Concat(catalog.Exchanges.Values.OrderBy(e => e.Name, StringComparer.Ordinal))
            .Select(e => Describe(vhost, e, catalog))
            .ToList();
    }

    /// <summary>Deletes the exchange and every binding from or to it. <paramref name="ifUnused"/>: only
    /// when no binding has it as source (RabbitMQ's if-unused).</summary>
    public async Task DeleteAsync(string vhost, string name, bool ifUnused, CancellationToken cancellationToken = default)
    {
        await directory.EnsureVhostAsync(vhost, cancellationToken);
        if (VhostCatalog.BuiltIn.ContainsKey(name)) throw new ConflictException("Built-in exchange.", $"Exchange '{name}' is built in and cannot be deleted.");
        catalogs.Forget(vhost);
        var catalog = await catalogs.GetAsync(vhost, cancellationToken);
        if (!catalog.Exchanges.ContainsKey(name)) throw new NotFoundException("exchange", name);
        if (ifUnused && catalog.Bindings.Any(b => b.Source == name))
            throw new ConflictException("Exchange is in use.", $"Exchange '{name}' has bindings.");
        await metadata.DeleteRecordAsync(VhostCatalog.ExchangeKind, vhost, name, cancellationToken);
        foreach (var binding in catalog.Bindings.Where(b => b.Source == name || (b.DestinationType == DestinationType.Exchange && b.Destination == name)))
        {
            await metadata.DeleteRecordAsync(VhostCatalog.BindingKind, vhost, binding.Id, cancellationToken);
        }
        catalogs.Forget(vhost);
    }

    private static ExchangeInfo Describe(string vhost, ExchangeRecord exchange, VhostCatalog catalog)
    {
        var builtIn = VhostCatalog.BuiltIn.ContainsKey(exchange.Name);
        var policy = builtIn ? null : PolicyInfo.Select(catalog.Policies, exchange.Name, isQueue: false);
        return new ExchangeInfo(exchange.Name, vhost, exchange.Type, exchange.AlternateExchange, catalog.AlternateExchangeOf(exchange),
            policy?.Name, builtIn, builtIn ? null : exchange.CreatedAt);
    }

    private static ConflictException Mismatch(string name, IReadOnlyList<string> differences) =>
        new("Exchange exists with different arguments.", $"Exchange '{name}' exists with a different {string.Join(", ", differences)}.")
        {
            Errors = differences.ToDictionary(d => d, _ => new[] { "differs from the existing exchange's value" }),
        };
}
