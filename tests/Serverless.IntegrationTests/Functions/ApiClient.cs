using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Serverless.IntegrationTests.Functions;

/// <summary>Small helpers for talking to API v1 over HTTP: JSON in, <see cref="JsonElement"/> out, and
/// the common calls (declare, publish, receive, settle) with their success status asserted.</summary>
public static class ApiClient
{
    public const string DefaultVhost = "default";

    /// <summary>A queue name no other test uses.</summary>
    public static string NewQueueName() => $"q-{Guid.NewGuid():N}";

    /// <summary>A vhost name no other test uses.</summary>
    public static string NewVhostName() => $"v-{Guid.NewGuid():N}";

    public static string VhostPath(string vhost) => $"api/v1/vhosts/{Uri.EscapeDataString(vhost)}";

    public static string QueuePath(string queue, string vhost = DefaultVhost) =>
        $"{VhostPath(vhost)}/queues/{Uri.EscapeDataString(queue)}";

    // ---- raw JSON requests ----

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, object? body) =>
        client.PostAsync(path, JsonContent.Create(body));

    public static Task<HttpResponseMessage> PutJsonAsync(this HttpClient client, string path, object? body) =>
        client.PutAsync(path, JsonContent.Create(body));

    /// <summary>Sends <paramref name="json"/> verbatim (for malformed or oddly typed bodies).</summary>
    public static Task<HttpResponseMessage> SendRawAsync(this HttpClient client, HttpMethod method, string path, string? json, string contentType = "application/json") =>
        client.SendAsync(new HttpRequestMessage(method, path)
        {
            Content = json is null ? null : new StringContent(json, Encoding.UTF8, contentType),
        });

    /// <summary>The body as JSON (a detached copy), or <c>default</c> when there is none.</summary>
    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (text.Length == 0) return default;
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>Asserts the status (showing the body when it differs) and returns the JSON body.</summary>
    public static async Task<JsonElement> ExpectAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == status,
                $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}: expected {(int)status}, got {(int)response.StatusCode}: {text}");
            if (text.Length == 0) return default;
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
    }

    public static async Task<JsonElement> ExpectAsync(this Task<HttpResponseMessage> response, HttpStatusCode status) =>
        await (await response).ExpectAsync(status);

    /// <summary>Asserts an RFC 9457 problem with <paramref name="status"/> whose <c>errors</c> names every one of <paramref name="fields"/>.</summary>
    public static async Task<JsonElement> ExpectProblemAsync(this HttpResponseMessage response, HttpStatusCode status, params string[] fields)
    {
        var contentType = response.Content.Headers.ContentType?.MediaType;
        var problem = await response.ExpectAsync(status);
        Assert.Equal("application/problem+json", contentType);
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.Equal(JsonValueKind.String, problem.GetProperty("title").ValueKind);
        if (fields.Length > 0)
        {
            var errors = problem.GetProperty("errors");
            foreach (var field in fields)
            {
                Assert.True(errors.TryGetProperty(field, out var messages), $"errors should name '{field}': {errors}");
                Assert.True(messages.GetArrayLength() > 0, $"errors.{field} should hold a message: {errors}");
            }
        }
        return problem;
    }

    public static async Task<JsonElement> ExpectProblemAsync(this Task<HttpResponseMessage> response, HttpStatusCode status, params string[] fields) =>
        await (await response).ExpectProblemAsync(status, fields);

    /// <summary>The names under <c>errors</c> of a problem.</summary>
    public static IReadOnlyList<string> ErrorFields(this JsonElement problem) =>
        problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal).ToList();

    // ---- queues ----

    /// <summary>Declares a new uniquely named queue (201) and returns its name.</summary>
    public static async Task<string> DeclareQueueAsync(this HttpClient client, object? arguments = null, string vhost = DefaultVhost)
    {
        var name = NewQueueName();
        var response = arguments is null
            ? client.PutAsync(QueuePath(name, vhost), content: null)
            : client.PutJsonAsync(QueuePath(name, vhost), new { arguments });
        await response.ExpectAsync(HttpStatusCode.Created);
        return name;
    }

    public static Task<JsonElement> GetQueueAsync(this HttpClient client, string queue, string vhost = DefaultVhost) =>
        client.GetAsync(QueuePath(queue, vhost)).ExpectAsync(HttpStatusCode.OK);

    /// <summary>The queue's <c>messages</c> counts as (ready, inFlight, delayed, total).</summary>
    public static async Task<(long Ready, long InFlight, long Delayed, long Total)> CountsAsync(this HttpClient client, string queue, string vhost = DefaultVhost)
    {
        var messages = (await client.GetQueueAsync(queue, vhost)).GetProperty("messages");
        return (messages.GetProperty("ready").GetInt64(), messages.GetProperty("inFlight").GetInt64(),
            messages.GetProperty("delayed").GetInt64(), messages.GetProperty("total").GetInt64());
    }

    /// <summary>Creates an API key (admin, 201) with RabbitMQ permissions; its id and its secret, shown only now.</summary>
    public static async Task<(string Id, string Key)> CreateKeyAsync(this HttpClient admin, string vhost, string configure, string write, string read)
    {
        var created = await admin.PostJsonAsync("api/v1/keys", new { vhost, configure, write, read }).ExpectAsync(HttpStatusCode.Created);
        return (created.Str("id"), created.Str("key"));
    }

    // ---- publish ----

    /// <summary>Publishes one message (201) and returns its single result.</summary>
    public static async Task<JsonElement> PublishAsync(this HttpClient client, string queue, object message, string vhost = DefaultVhost)
    {
        var response = await client.PostJsonAsync($"{QueuePath(queue, vhost)}/publish", message).ExpectAsync(HttpStatusCode.Created);
        var results = response.GetProperty("results");
        Assert.Equal(1, results.GetArrayLength());
        return results[0];
    }

    /// <summary>Publishes a batch (201) and returns its results.</summary>
    public static async Task<JsonElement[]> PublishBatchAsync(this HttpClient client, string queue, params object[] messages)
    {
        var response = await client.PostJsonAsync($"{QueuePath(queue)}/publish", new { messages }).ExpectAsync(HttpStatusCode.Created);
        return response.GetProperty("results").EnumerateArray().ToArray();
    }

    public static Task<JsonElement> PublishTextAsync(this HttpClient client, string queue, string body, string? messageId = null) =>
        client.PublishAsync(queue, new { body, messageId });

    // ---- receive and settle ----

    /// <summary>Receives (200) and returns the delivered messages.</summary>
    public static async Task<JsonElement[]> ReceiveAsync(this HttpClient client, string queue, int maxMessages = 1, int waitSeconds = 0, int? visibilityTimeoutSeconds = null)
    {
        var response = await client.PostJsonAsync($"{QueuePath(queue)}/receive", new { maxMessages, waitSeconds, visibilityTimeoutSeconds })
            .ExpectAsync(HttpStatusCode.OK);
        return response.GetProperty("messages").EnumerateArray().ToArray();
    }

    /// <summary>Receives exactly one message.</summary>
    public static async Task<JsonElement> ReceiveOneAsync(this HttpClient client, string queue, int waitSeconds = 0, int? visibilityTimeoutSeconds = null)
    {
        var messages = await client.ReceiveAsync(queue, 1, waitSeconds, visibilityTimeoutSeconds);
        Assert.True(messages.Length == 1, $"expected one message from {queue}, got {messages.Length}");
        return messages[0];
    }

    /// <summary>Acks (200) and returns the per-receipt results.</summary>
    public static Task<JsonElement[]> AckAsync(this HttpClient client, string queue, params string[] receipts) =>
        client.SettleAsync(queue, "ack", new { receipts });

    public static Task<JsonElement[]> NackAsync(this HttpClient client, string queue, string receipt, bool requeue = true, int? delaySeconds = null) =>
        client.SettleAsync(queue, "nack", new { receipts = new[] { receipt }, requeue, delaySeconds });

    public static Task<JsonElement[]> ExtendAsync(this HttpClient client, string queue, string receipt, int visibilityTimeoutSeconds) =>
        client.SettleAsync(queue, "extend", new { receipts = new[] { receipt }, visibilityTimeoutSeconds });

    private static async Task<JsonElement[]> SettleAsync(this HttpClient client, string queue, string action, object body)
    {
        var response = await client.PostJsonAsync($"{QueuePath(queue)}/{action}", body).ExpectAsync(HttpStatusCode.OK);
        return response.GetProperty("results").EnumerateArray().ToArray();
    }

    /// <summary>Peeks (200) at messages in <paramref name="state"/>.</summary>
    public static async Task<JsonElement[]> PeekAsync(this HttpClient client, string queue, string state, int limit = 20)
    {
        var response = await client.GetAsync($"{QueuePath(queue)}/messages?state={state}&limit={limit}").ExpectAsync(HttpStatusCode.OK);
        return response.GetProperty("messages").EnumerateArray().ToArray();
    }

    // ---- fields ----

    public static string Str(this JsonElement element, string property) => element.GetProperty(property).GetString()!;

    public static DateTimeOffset Time(this JsonElement element, string property) => element.GetProperty(property).GetDateTimeOffset();

    public static string[] Bodies(this IEnumerable<JsonElement> messages) => messages.Select(m => m.Str("body")).ToArray();
}
