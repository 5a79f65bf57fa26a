using Microsoft.Extensions.Options;
using Serverless.Policies;
using Serverless.Queues;
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

/// <summary>Vhost catalogs cached per instance for <see cref="EngineOptions.DefinitionCacheTtl"/>: a change
/// made through this instance is seen at once (<see cref="Forget"/>), other instances see it within the TTL.
/// A load never runs on a caller's token and a failed one is never cached (<see cref="DefinitionCache{TKey,TValue}"/>).</summary>
public sealed class VhostCatalogs(IMetadataStore metadata, TimeProvider time, IOptions<EngineOptions> options) : IDisposable
{
    private readonly DefinitionCache<string, VhostCatalog> cache = new(time, options.Value.DefinitionCacheTtl);

    public Task<VhostCatalog> GetAsync(string vhost, CancellationToken cancellationToken = default) =>
        cache.GetAsync(vhost, LoadAsync, cancellationToken);

    public void Forget(string vhost) => cache.Remove(vhost);

    public void Dispose() => cache.Dispose();

    private async Task<VhostCatalog> LoadAsync(string vhost)
    {
        var exchanges = metadata.ListRecordsAsync<ExchangeRecord>(VhostCatalog.ExchangeKind, vhost);
        var bindings = metadata.ListRecordsAsync<BindingRecord>(VhostCatalog.BindingKind, vhost);
        var policies = metadata.ListRecordsAsync<PolicyInfo>(VhostCatalog.PolicyKind, vhost);
        return new VhostCatalog((await exchanges).ToDictionary(e => e.Name), await bindings, await policies);
    }
}
