using System.Text.Json;

namespace Serverless.Routing;

/// <summary>RabbitMQ routing: direct = equal key, fanout = all, topic = word patterns, headers = x-match.
/// Exchange-to-exchange bindings route onward; an exchange is visited at most once per message, so a
/// cycle delivers at most once per queue. An exchange none of whose bindings matches hands the message
/// to its alternate exchange; a matching binding to an exchange that routes nowhere is still a match
/// (RabbitMQ's <c>rabbit_exchange:process_alternate</c>).</summary>
public static class Router
{
    /// <summary>The queues a message reaches, in the order first reached (possibly none).</summary>
    public static IReadOnlyList<string> Route(VhostCatalog catalog, string exchange, string routingKey, IReadOnlyDictionary<string, JsonElement>? headers)
    {
        var queues = new List<string>();
        var visited = new HashSet<string>(StringComparer.Ordinal);
        RouteFrom(catalog, exchange, routingKey, headers, queues, visited);
        return queues;
    }

    private static void RouteFrom(VhostCatalog catalog, string exchangeName, string routingKey, IReadOnlyDictionary<string, JsonElement>? headers, List<string> queues, HashSet<string> visited)
    {
        if (!visited.Add(exchangeName) || catalog.FindExchange(exchangeName) is not { } exchange) return;
        if (exchange.Name.Length == 0)
        {
            // The default exchange: every queue is bound to it by its own name.
            if (!queues.Contains(routingKey)) queues.Add(routingKey);
            return;
        }
        var matchedAny = false;
        foreach (var binding in catalog.Bindings)
        {
            if (binding.Source != exchange.Name || !Matches(exchange.Type, binding, routingKey, headers)) continue;
            matchedAny = true;
            if (binding.DestinationType == DestinationType.Queue)
            {
                if (!queues.Contains(binding.Destination)) queues.Add(binding.Destination);
            }
            else
            {
                RouteFrom(catalog, binding.Destination, routingKey, headers, queues, visited);
            }
        }
        if (!matchedAny && catalog.AlternateExchangeOf(exchange) is { } alternate)
        {
            RouteFrom(catalog, alternate, routingKey, headers, queues, visited);
        }
    }

    private static bool Matches(ExchangeType type, BindingRecord binding, string routingKey, IReadOnlyDictionary<string, JsonElement>? headers) => type switch
    {
        ExchangeType.Fanout => true,
        ExchangeType.Direct => binding.RoutingKey == routingKey,
        ExchangeType.Topic => TopicMatcher.Matches(binding.RoutingKey, routingKey),
        ExchangeType.Headers => HeadersMatcher.Matches(binding.Arguments, headers),
        _ => false,
    };
}
