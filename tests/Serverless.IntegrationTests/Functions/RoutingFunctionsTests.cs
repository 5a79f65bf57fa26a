using System.Net;
using System.Text.Json;
using Serverless.Testing;

namespace Serverless.IntegrationTests.Functions;

[Collection(ServiceCollection.Name)]
public sealed class RoutingFunctionsTests(ServiceFixture fixture)
{
    private readonly HttpClient client = fixture.Client;

    private async Task<string> DeclareExchangeAsync(string type, string? alternateExchange = null)
    {
        var name = $"x-{Guid.NewGuid():N}";
        await client.PutJsonAsync($"{ApiClient.VhostPath("default")}/exchanges/{name}", new { type, alternateExchange }).ExpectAsync(HttpStatusCode.Created);
        return name;
    }

    private Task<JsonElement> BindAsync(string source, string destination, string routingKey = "", string destinationType = "queue", object? arguments = null) =>
        client.PostJsonAsync($"{ApiClient.VhostPath("default")}/bindings", new { source, destination, destinationType, routingKey, arguments }).ExpectAsync(HttpStatusCode.Created);

    private async Task<JsonElement> PublishAsync(string exchange, object message, HttpStatusCode status = HttpStatusCode.Created) =>
        (await client.PostJsonAsync($"{ApiClient.VhostPath("default")}/exchanges/{exchange}/publish", message).ExpectAsync(status)).GetProperty("results")[0];

    private static string[] Queues(JsonElement result) => result.GetProperty("queues").EnumerateArray().Select(q => q.GetString()!).Order().ToArray();

    [Fact]
    public async Task Topic_exchange_routes_by_word_patterns_and_stores_one_independent_copy_per_queue()
    {
        var exchange = await DeclareExchangeAsync("topic");
        var (orange, lazy) = (await client.DeclareQueueAsync(), await client.DeclareQueueAsync());
        await BindAsync(exchange, orange, "*.orange.*");
        await BindAsync(exchange, lazy, "lazy.#");

        var both = await PublishAsync(exchange, new { body = "b", routingKey = "lazy.orange.fox" });
        Assert.Equal("enqueued", both.Str("status"));
        Assert.Equal(new[] { orange, lazy }.Order().ToArray(), Queues(both));
        Assert.Equal(new[] { lazy }, Queues(await PublishAsync(exchange, new { body = "l", routingKey = "lazy.brown" })));

        var fromOrange = await client.ReceiveOneAsync(orange);
        Assert.Equal(exchange, fromOrange.Str("exchange"));
        Assert.Equal("lazy.orange.fox", fromOrange.Str("routingKey"));
        await client.AckAsync(orange, fromOrange.Str("receipt"));
        Assert.Equal(2, (await client.CountsAsync(lazy)).Total); // acking one copy leaves the other
    }

    [Fact]
    public async Task Unroutable_message_is_unroutable_when_mandatory_else_dropped()
    {
        var exchange = await DeclareExchangeAsync("direct");
        Assert.Equal("unroutable", (await PublishAsync(exchange, new { body = "x", routingKey = "nowhere", mandatory = true }, HttpStatusCode.OK)).Str("status"));
        Assert.Equal("dropped", (await PublishAsync(exchange, new { body = "x", routingKey = "nowhere" }, HttpStatusCode.OK)).Str("status"));
    }

    [Fact]
    public async Task Alternate_exchange_takes_what_its_exchange_cannot_route()
    {
        var alternate = await DeclareExchangeAsync("fanout");
        var catchAll = await client.DeclareQueueAsync();
        await BindAsync(alternate, catchAll);
        var exchange = await DeclareExchangeAsync("direct", alternate);
        Assert.Equal(new[] { catchAll }, Queues(await PublishAsync(exchange, new { body = "x", routingKey = "unknown" })));
    }

    [Fact]
    public async Task Exchange_to_exchange_cycle_delivers_at_most_once_per_queue()
    {
        var (a, b) = (await DeclareExchangeAsync("fanout"), await DeclareExchangeAsync("fanout"));
        var queue = await client.DeclareQueueAsync();
        await BindAsync(a, b, destinationType: "exchange");
        await BindAsync(b, a, destinationType: "exchange");
        await BindAsync(b, queue);
        await BindAsync(a, queue);
        Assert.Equal(new[] { queue }, Queues(await PublishAsync(a, new { body = "x" })));
        Assert.Equal(1, (await client.CountsAsync(queue)).Total);
    }

    [Fact]
    public async Task Headers_exchange_matches_all_or_any()
    {
        var exchange = await DeclareExchangeAsync("headers");
        var (all, any) = (await client.DeclareQueueAsync(), await client.DeclareQueueAsync());
        await BindAsync(exchange, all, arguments: new Dictionary<string, object> { ["x-match"] = "all", ["format"] = "pdf", ["type"] = "report" });
        await BindAsync(exchange, any, arguments: new Dictionary<string, object> { ["x-match"] = "any", ["format"] = "pdf", ["type"] = "report" });
        Assert.Equal(new[] { any }, Queues(await PublishAsync(exchange, new { body = "x", headers = new { format = "pdf" } })));
        Assert.Equal(new[] { all, any }.Order().ToArray(), Queues(await PublishAsync(exchange, new { body = "x", headers = new { format = "pdf", type = "report" } })));
    }

    [Fact]
    public async Task Same_binding_twice_is_one_binding_and_redeclaring_an_exchange_differently_is_409()
    {
        var exchange = await DeclareExchangeAsync("direct");
        var queue = await client.DeclareQueueAsync();
        var first = await BindAsync(exchange, queue, "k");
        var again = await client.PostJsonAsync($"{ApiClient.VhostPath("default")}/bindings", new { source = exchange, destination = queue, routingKey = "k" }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(first.Str("id"), again.Str("id"));
        await client.PutJsonAsync($"{ApiClient.VhostPath("default")}/exchanges/{exchange}", new { type = "fanout" }).ExpectProblemAsync(HttpStatusCode.Conflict, "type");
        await client.DeleteAsync($"{ApiClient.VhostPath("default")}/exchanges/{exchange}?ifUnused=true").ExpectProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Policy_applies_changes_and_goes_at_once_on_an_existing_queue_and_its_own_arguments_win()
    {
        var queue = await client.DeclareQueueAsync(new { maxPriority = 3 });
        var policy = $"p-{Guid.NewGuid():N}";
        await client.PutJsonAsync($"{ApiClient.VhostPath("default")}/policies/{policy}",
            new { pattern = $"^{queue}$", applyTo = "queues", priority = 1, definition = new { deliveryLimit = 7, maxPriority = 9 } }).ExpectAsync(HttpStatusCode.Created);
        var info = await client.GetQueueAsync(queue);
        Assert.Equal(policy, info.Str("policy"));
        Assert.Equal(7, info.GetProperty("effectiveArguments").GetProperty("deliveryLimit").GetInt32());
        Assert.Equal(3, info.GetProperty("effectiveArguments").GetProperty("maxPriority").GetInt32());

        await client.PutJsonAsync($"{ApiClient.VhostPath("default")}/policies/{policy}",
            new { pattern = $"^{queue}$", applyTo = "queues", priority = 1, definition = new { deliveryLimit = 4 } }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(4, (await client.GetQueueAsync(queue)).GetProperty("effectiveArguments").GetProperty("deliveryLimit").GetInt32());

        await client.DeleteAsync($"{ApiClient.VhostPath("default")}/policies/{policy}").ExpectAsync(HttpStatusCode.NoContent);
        info = await client.GetQueueAsync(queue);
        Assert.False(info.TryGetProperty("policy", out _));
        Assert.Equal(20, info.GetProperty("effectiveArguments").GetProperty("deliveryLimit").GetInt32());
    }
}
