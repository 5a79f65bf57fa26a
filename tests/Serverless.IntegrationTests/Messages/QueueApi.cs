using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Serverless.IntegrationTests.Messages;

/// <summary>One delivered or peeked message as the wire shows it (API.md, Receive).</summary>
internal sealed record Delivery(string MessageId, string? Receipt, int DeliveryCount, bool Redelivered, DateTimeOffset? VisibleUntil);

/// <summary>The few calls of API v1 that the messaging and hosting tests make, over HTTP, reading the JSON as a client
/// would (by field name, not through the service's own types). Every call asserts its success status and
/// puts the response body into the failure message.</summary>
internal static class QueueApi
{
    public const string Vhost = "default";

    public static string NewQueueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    public static string QueuePath(string queue) => $"api/v1/vhosts/{Vhost}/queues/{queue}";

    public static async Task DeclareQueueAsync(this HttpClient client, string queue, CancellationToken cancellationToken = default)
    {
        using var response = await client.PutAsJsonAsync(QueuePath(queue), new { arguments = new { } }, cancellationToken);
        await ExpectAsync(response, HttpStatusCode.Created, cancellationToken);
    }

    /// <summary>Publishes one batch (1-100) with the given message ids and asserts every one was confirmed <c>enqueued</c>.</summary>
    public static async Task PublishAsync(this HttpClient client, string queue, IReadOnlyList<string> messageIds, CancellationToken cancellationToken = default)
    {
        var batch = new { messages = messageIds.Select(id => new { messageId = id, body = $"body of {id}" }).ToArray() };
        using var response = await client.PostAsJsonAsync($"{QueuePath(queue)}/publish", batch, cancellationToken);
        var json = await ExpectAsync(response, HttpStatusCode.Created, cancellationToken);
        var results = json["results"]!.AsArray();
        Assert.Equal(messageIds, results.Select(r => (string)r!["messageId"]!).ToList());
        Assert.All(results, r => Assert.Equal("enqueued", (string?)r!["status"]));
    }

    public static async Task<IReadOnlyList<Delivery>> ReceiveAsync(
        this HttpClient client, string queue, int maxMessages, int visibilityTimeoutSeconds, int waitSeconds = 0, CancellationToken cancellationToken = default)
    {
        using var response = await client.PostAsJsonAsync(
            $"{QueuePath(queue)}/receive", new { maxMessages, visibilityTimeoutSeconds, waitSeconds }, cancellationToken);
        return Deliveries(await ExpectAsync(response, HttpStatusCode.OK, cancellationToken));
    }

    /// <summary>The results of an ack, in request order: (receipt, status).</summary>
    public static async Task<IReadOnlyList<(string Receipt, string Status)>> AckAsync(
        this HttpClient client, string queue, IReadOnlyList<string> receipts, CancellationToken cancellationToken = default)
    {
        using var response = await client.PostAsJsonAsync($"{QueuePath(queue)}/ack", new { receipts }, cancellationToken);
        var json = await ExpectAsync(response, HttpStatusCode.OK, cancellationToken);
        return json["results"]!.AsArray().Select(r => ((string)r!["receipt"]!, (string)r["status"]!)).ToList();
    }

    /// <summary>Peek (no lease, no sweep): <c>GET .../messages?state=</c>.</summary>
    public static async Task<IReadOnlyList<Delivery>> PeekAsync(this HttpClient client, string queue, string state, CancellationToken cancellationToken = default)
    {
        using var response = await client.GetAsync($"{QueuePath(queue)}/messages?state={state}&limit=100", cancellationToken);
        return Deliveries(await ExpectAsync(response, HttpStatusCode.OK, cancellationToken));
    }

    /// <summary><c>messages</c> of <c>GET .../queues/{queue}</c>: ready, inFlight, delayed, total.</summary>
    public static async Task<JsonObject> MessageCountsAsync(this HttpClient client, string queue, CancellationToken cancellationToken = default)
    {
        using var response = await client.GetAsync(QueuePath(queue), cancellationToken);
        return (await ExpectAsync(response, HttpStatusCode.OK, cancellationToken))["messages"]!.AsObject();
    }

    public static async Task<long> TotalAsync(this HttpClient client, string queue, CancellationToken cancellationToken = default) =>
        (long)(await client.MessageCountsAsync(queue, cancellationToken))["total"]!;

    public static async Task<JsonNode> ExpectAsync(HttpResponseMessage response, HttpStatusCode expected, CancellationToken cancellationToken = default)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.StatusCode == expected,
            $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!;
    }

    private static List<Delivery> Deliveries(JsonNode json) => json["messages"]!.AsArray().Select(m => new Delivery(
        (string)m!["messageId"]!,
        (string?)m["receipt"],
        (int)m["deliveryCount"]!,
        (bool)m["redelivered"]!,
        m["visibleUntil"] is { } until ? DateTimeOffset.Parse((string)until!, System.Globalization.CultureInfo.InvariantCulture) : null)).ToList();
}
