using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Serverless.Benchmarks.Clients;

/// <summary>The service's HTTP API as a web app would call it (API.md): declare, publish, receive, ack,
/// plus the diagnostics counter of storage requests. Request bodies that don't change are built once.</summary>
public sealed class ServiceClient : IDisposable
{
    private const string Vhost = "default";
    private readonly HttpClient http;
    private readonly Dictionary<int, byte[]> publishBodies = [];
    private readonly int size;

    public ServiceClient(Uri baseAddress, string adminKey, int messageSize)
    {
        size = messageSize;
        http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1024, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
        foreach (var batch in new[] { 1, 10, 100 }) publishBodies[batch] = PublishBody(batch, timed: false);
    }

    public Task DeclareQueueAsync(string queue, string replication, int shards, int visibilityTimeoutSeconds, CancellationToken cancellationToken) =>
        DeclareQueueAsync(queue, replication, shards, visibilityTimeoutSeconds, maxReplicationLagSeconds: null, cancellationToken);

    /// <param name="maxReplicationLagSeconds">Async queues only: the lag past which publishes get 429 (null: the service's default).</param>
    public async Task DeclareQueueAsync(string queue, string replication, int shards, int visibilityTimeoutSeconds, int? maxReplicationLagSeconds,
        CancellationToken cancellationToken)
    {
        var arguments = new JsonObject { ["replication"] = replication, ["shards"] = shards, ["visibilityTimeoutSeconds"] = visibilityTimeoutSeconds };
        if (maxReplicationLagSeconds is { } lag) arguments["maxReplicationLagSeconds"] = lag;
        using var response = await http.PutAsJsonAsync(QueuePath(queue), new JsonObject { ["arguments"] = arguments }, cancellationToken);
        await EnsureAsync(response, "declare");
    }

    public async Task DeleteQueueAsync(string queue, CancellationToken cancellationToken)
    {
        using var response = await http.DeleteAsync(QueuePath(queue), cancellationToken);
        if (response.StatusCode != HttpStatusCode.NotFound) await EnsureAsync(response, "delete");
    }

    /// <summary>Publishes <paramref name="batch"/> messages in one call (single-message body for 1); returns how many were enqueued.</summary>
    public async Task<int> PublishAsync(string queue, int batch, CancellationToken cancellationToken, bool timed = false)
    {
        var body = timed ? PublishBody(batch, timed: true) : publishBodies.TryGetValue(batch, out var cached) ? cached : PublishBody(batch, timed: false);
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await http.PostAsync(QueuePath(queue) + "/publish", content, cancellationToken);
        await EnsureAsync(response, "publish");
        return batch;
    }

    /// <summary>Publishes one untimed message; returns the id the service gave it (for finding its row in a region's store).</summary>
    public async Task<string> PublishForIdAsync(string queue, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(publishBodies[1]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await http.PostAsync(QueuePath(queue) + "/publish", content, cancellationToken);
        await EnsureAsync(response, "publish");
        using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        return json.RootElement.GetProperty("results")[0].GetProperty("messageId").GetString()!;
    }

    /// <summary>Leases up to <paramref name="maxMessages"/>; returns their receipts and bodies.</summary>
    public async Task<IReadOnlyList<(string Receipt, string Body)>> ReceiveAsync(string queue, int maxMessages, int visibilityTimeoutSeconds, int waitSeconds, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync(QueuePath(queue) + "/receive",
            new { maxMessages, visibilityTimeoutSeconds, waitSeconds }, cancellationToken);
        await EnsureAsync(response, "receive");
        using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        return json.RootElement.GetProperty("messages").EnumerateArray()
            .Select(m => (m.GetProperty("receipt").GetString()!, m.GetProperty("body").GetString() ?? ""))
            .ToList();
    }

    /// <summary>Receives up to <paramref name="maxMessages"/> with auto-ack (removed as returned); returns how many came.</summary>
    public async Task<int> ReceiveAutoAsync(string queue, int maxMessages, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync(QueuePath(queue) + "/receive", new { maxMessages, ackMode = "auto" }, cancellationToken);
        await EnsureAsync(response, "receive");
        using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        return json.RootElement.GetProperty("messages").GetArrayLength();
    }

    /// <summary>Acks the receipts in one call; returns how many were acked (not stale).</summary>
    public async Task<int> AckAsync(string queue, IEnumerable<string> receipts, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync(QueuePath(queue) + "/ack", new { receipts }, cancellationToken);
        await EnsureAsync(response, "ack");
        using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        return json.RootElement.GetProperty("results").EnumerateArray().Count(r => r.GetProperty("status").GetString() == "acked");
    }

    /// <summary>Storage requests the service has sent since it started (<c>GET /api/v1/diagnostics/storage-requests</c>).</summary>
    public async Task<long> StorageRequestsAsync(CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync("api/v1/diagnostics/storage-requests", cancellationToken);
        await EnsureAsync(response, "diagnostics");
        var json = await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken);
        return json!["requests"]!.GetValue<long>();
    }

    /// <summary>The queue's <c>replication</c> as <c>GET .../queues/{queue}</c> reports it.</summary>
    public async Task<ReplicationReading> QueueReplicationAsync(string queue, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(QueuePath(queue), cancellationToken);
        await EnsureAsync(response, "get queue");
        using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        return ReplicationReading.From(json.RootElement.GetProperty("replication"));
    }

    /// <summary>The secondary region as <c>GET /api/v1/topology</c> (admin) reports it.</summary>
    public async Task<ReplicationReading> SecondaryRegionAsync(CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync("api/v1/topology", cancellationToken);
        await EnsureAsync(response, "topology");
        using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        return ReplicationReading.From(json.RootElement.GetProperty("regions").EnumerateArray().Single(r => r.GetProperty("role").GetString() == "secondary"));
    }

    public void Dispose() => http.Dispose();

    private static string QueuePath(string queue) => $"api/v1/vhosts/{Vhost}/queues/{Uri.EscapeDataString(queue)}";

    private byte[] PublishBody(int batch, bool timed)
    {
        JsonObject Message() => new() { ["body"] = timed ? Payload.Timed(size) : Payload.Body(size) };
        JsonNode body = batch == 1 ? Message() : new JsonObject { ["messages"] = new JsonArray(Enumerable.Range(0, batch).Select(_ => (JsonNode)Message()).ToArray()) };
        return Encoding.UTF8.GetBytes(body.ToJsonString());
    }

    private static async Task EnsureAsync(HttpResponseMessage response, string what)
    {
        if (response.IsSuccessStatusCode) return;
        var detail = await response.Content.ReadAsStringAsync();
        throw new HttpRequestException($"{what}: {(int)response.StatusCode} {detail[..Math.Min(300, detail.Length)]}", null, response.StatusCode);
    }
}
