using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Serverless.Policies;
using Serverless.Storage;

namespace Serverless.Routing;

/// <summary>A vhost's exchanges, bindings and policies: what routing and effective arguments need,
/// read together (three queries) and cached like queue definitions.</summary>
public sealed record VhostCatalog(
    IReadOnlyDictionary<string, ExchangeRecord> Exchanges,
    IReadOnlyList<BindingRecord> Bindings,
    IReadOnlyList<PolicyInfo> Policies)
{
    public const string ExchangeKind = "exchange", BindingKind = "binding", PolicyKind = "policy";

    /// <summary>The exchanges every vhost has (API.md, Exchanges). The default exchange <c>""</c> routes by queue name.</summary>
    public static IReadOnlyDictionary<string, ExchangeType> BuiltIn { get; } = new Dictionary<string, ExchangeType>
    {
        [""] = ExchangeType.Direct,
        ["amq.direct"] = ExchangeType.Direct,
        ["amq.fanout"] = ExchangeType.Fanout,
        ["amq.topic"] = ExchangeType.Topic,
        ["amq.headers"] = ExchangeType.Headers,
    };

    public ExchangeRecord? FindExchange(string name) =>
        Exchanges.TryGetValue(name, out var exchange) ? exchange
        : BuiltIn.TryGetValue(name, out var type) ? new ExchangeRecord(name, type, null, DateTimeOffset.UnixEpoch)
        : null;

    /// <summary>The exchange's alternate exchange: its own, else its policy's.</summary>
    public string? AlternateExchangeOf(ExchangeRecord exchange) =>
        exchange.AlternateExchange ?? PolicyInfo.Select(Policies, exchange.Name, isQueue: false)?.Definition.AlternateExchange;
}

public sealed class VhostCatalogs(IMetadataStore metadata, TimeProvider time, IOptions<EngineOptions> options)
{
    private readonly ConcurrentDictionary<string, (Task<VhostCatalog> Catalog, DateTimeOffset Until)> cache = new();

    public Task<VhostCatalog> GetAsync(string vhost, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        if (cache.TryGetValue(vhost, out var cached) && cached.Until > now && !cached.Catalog.IsFaulted) return cached.Catalog;
        var loading = LoadAsync(vhost, cancellationToken);
        cache[vhost] = (loading, now + options.Value.DefinitionCacheTtl);
        return loading;
    }

    public void Forget(string vhost) => cache.TryRemove(vhost, out _);

    private async Task<VhostCatalog> LoadAsync(string vhost, CancellationToken cancellationToken)
    {
        var exchanges = metadata.ListRecordsAsync<ExchangeRecord>(VhostCatalog.ExchangeKind, vhost, cancellationToken);
        var bindings = metadata.ListRecordsAsync<BindingRecord>(VhostCatalog.BindingKind, vhost, cancellationToken);
        var policies = metadata.ListRecordsAsync<PolicyInfo>(VhostCatalog.PolicyKind, vhost, cancellationToken);
        return new VhostCatalog((await exchanges).ToDictionary(e => e.Name), await bindings, await policies);
    }
}
