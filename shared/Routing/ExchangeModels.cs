using System.Text.Json;

namespace Serverless.Routing;

public enum ExchangeType { Direct, Fanout, Topic, Headers }

public enum DestinationType { Queue, Exchange }

/// <summary>An exchange as stored.</summary>
public sealed record ExchangeRecord(string Name, ExchangeType Type, string? AlternateExchange, DateTimeOffset CreatedAt);

/// <summary>GET .../exchanges/{exchange}.</summary>
public sealed record ExchangeInfo(string Name, string Vhost, ExchangeType Type, string? AlternateExchange, string? EffectiveAlternateExchange, string? Policy, bool BuiltIn, DateTimeOffset? CreatedAt);

public sealed record DeclareExchangeRequest
{
    public ExchangeType? Type { get; init; }
    public string? AlternateExchange { get; init; }
}

/// <summary>A binding as stored; its id is derived from its content, so creating it twice is one binding.</summary>
public sealed record BindingRecord(string Id, string Source, string Destination, DestinationType DestinationType, string RoutingKey, Dictionary<string, JsonElement>? Arguments, DateTimeOffset CreatedAt);

/// <summary>Binding needs configure on the destination and read on the source (API.md: configure covers
/// bindings; read covers binding from an exchange).</summary>
public sealed record CreateBindingRequest : Access.IAccessDemands
{
    public string? Source { get; init; }
    public string? Destination { get; init; }
    public DestinationType? DestinationType { get; init; }
    public string? RoutingKey { get; init; }
    public Dictionary<string, JsonElement>? Arguments { get; init; }

    public IEnumerable<Access.AccessDemand> Demands(string vhost) =>
        [new(Access.Permission.Configure, vhost, Destination ?? ""), new(Access.Permission.Read, vhost, Source ?? "")];
}

public sealed record BindingInfo(string Id, string Vhost, string Source, string Destination, DestinationType DestinationType, string RoutingKey, Dictionary<string, JsonElement>? Arguments, DateTimeOffset CreatedAt);

public sealed record BindingCreated(string Id);
