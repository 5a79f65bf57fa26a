using Serverless.Policies;
using Serverless.Routing;

namespace Serverless.UnitTests.Routing;

public class RouterTests
{
    private static readonly DateTimeOffset Created = DateTimeOffset.UnixEpoch;

    // issue 8, item 20: RabbitMQ (rabbit_exchange:process_alternate) hands a message to the alternate
    // exchange only when the exchange's own bindings match nothing. A matching binding to an exchange
    // that routes nowhere is a match. Checked against RabbitMQ 3.10: routed is false, the alternate
    // exchange's queue gets nothing.
    [Fact]
    public void Alternate_exchange_is_not_used_when_a_binding_to_an_exchange_that_routes_nowhere_matches()
    {
        var catalog = Catalog(
            [Exchange("x", ExchangeType.Direct, alternate: "ae"), Exchange("ae", ExchangeType.Fanout), Exchange("empty", ExchangeType.Fanout)],
            [Binding("ae", "q-ae", DestinationType.Queue), Binding("x", "empty", DestinationType.Exchange, "k")]);

        Assert.Empty(Router.Route(catalog, "x", "k", null));
    }

    [Fact]
    public void Alternate_exchange_is_used_when_no_binding_of_the_exchange_matches()
    {
        var catalog = Catalog(
            [Exchange("x", ExchangeType.Direct, alternate: "ae"), Exchange("ae", ExchangeType.Fanout), Exchange("empty", ExchangeType.Fanout)],
            [Binding("ae", "q-ae", DestinationType.Queue), Binding("x", "empty", DestinationType.Exchange, "k")]);

        Assert.Equal(["q-ae"], Router.Route(catalog, "x", "other", null));
    }

    [Fact]
    public void Alternate_exchange_of_a_downstream_exchange_is_used_when_its_own_bindings_match_nothing()
    {
        var catalog = Catalog(
            [Exchange("x", ExchangeType.Fanout), Exchange("inner", ExchangeType.Direct, alternate: "ae"), Exchange("ae", ExchangeType.Fanout)],
            [Binding("x", "inner", DestinationType.Exchange), Binding("ae", "q-ae", DestinationType.Queue)]);

        Assert.Equal(["q-ae"], Router.Route(catalog, "x", "k", null));
    }

    [Fact]
    public void Alternate_exchange_from_a_policy_follows_the_same_rule()
    {
        var policy = new PolicyInfo("ae-policy", "v", "^x$", PolicyApplyTo.Exchanges, 0, new PolicyDefinition { AlternateExchange = "ae" }, Created);
        var catalog = Catalog(
            [Exchange("x", ExchangeType.Direct), Exchange("ae", ExchangeType.Fanout), Exchange("empty", ExchangeType.Fanout)],
            [Binding("ae", "q-ae", DestinationType.Queue), Binding("x", "empty", DestinationType.Exchange, "k")],
            [policy]);

        Assert.Empty(Router.Route(catalog, "x", "k", null));
        Assert.Equal(["q-ae"], Router.Route(catalog, "x", "other", null));
    }

    [Fact]
    public void Exchange_cycles_deliver_at_most_once_per_queue()
    {
        var catalog = Catalog(
            [Exchange("a", ExchangeType.Fanout), Exchange("b", ExchangeType.Fanout)],
            [Binding("a", "b", DestinationType.Exchange), Binding("b", "a", DestinationType.Exchange), Binding("a", "q", DestinationType.Queue), Binding("b", "q", DestinationType.Queue)]);

        Assert.Equal(["q"], Router.Route(catalog, "a", "", null));
    }

    private static VhostCatalog Catalog(IEnumerable<ExchangeRecord> exchanges, IReadOnlyList<BindingRecord> bindings, IReadOnlyList<PolicyInfo>? policies = null) =>
        new(exchanges.ToDictionary(e => e.Name), bindings, policies ?? []);

    private static ExchangeRecord Exchange(string name, ExchangeType type, string? alternate = null) => new(name, type, alternate, Created);

    private static BindingRecord Binding(string source, string destination, DestinationType type, string routingKey = "") =>
        new($"{source}>{destination}:{routingKey}", source, destination, type, routingKey, null, Created);
}
