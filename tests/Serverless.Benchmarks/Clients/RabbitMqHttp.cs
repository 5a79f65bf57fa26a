using System.Net.Http.Json;
using System.Text.Json;

namespace Serverless.Benchmarks.Clients;

/// <summary>RabbitMQ's HTTP management API, the closest RabbitMQ has to this service's REST API: publish
/// through the default exchange, and get with <c>ack_requeue_false</c> (receive and ack in one call).</summary>
public sealed class RabbitMqHttp(HttpClient http) : IDisposable
{
    private static string QueuePath(string queue) => "api/queues/%2F/" + Uri.EscapeDataString(queue);

    public async Task DeclareQueueAsync(string queue, CancellationToken cancellationToken)
    {
        using var response = await http.PutAsJsonAsync(QueuePath(queue), new { durable = true }, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    public async Task DeleteQueueAsync(string queue, CancellationToken cancellationToken)
    {
        using var response = await http.DeleteAsync(QueuePath(queue), cancellationToken);
    }

    /// <summary>A persistent message, as durable as the service's; returns 1 when it was routed to the queue.</summary>
    public async Task<int> PublishAsync(string queue, string body, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync("api/exchanges/%2F/amq.default/publish", new Dictionary<string, object>
        {
            ["properties"] = new Dictionary<string, object> { ["delivery_mode"] = 2 },
            ["routing_key"] = queue,
            ["payload"] = body,
            ["payload_encoding"] = "string",
        }, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        return json.RootElement.GetProperty("routed").GetBoolean() ? 1 : throw new InvalidOperationException("The message was not routed.");
    }

    /// <summary>Takes up to <paramref name="count"/> messages off the queue; returns how many.</summary>
    public async Task<int> GetAsync(string queue, int count, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync(QueuePath(queue) + "/get", new Dictionary<string, object>
        {
            ["count"] = count,
            ["ackmode"] = "ack_requeue_false",
            ["encoding"] = "auto",
            ["truncate"] = 1_000_000,
        }, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        return json.RootElement.GetArrayLength();
    }

    public void Dispose() => http.Dispose();
}
