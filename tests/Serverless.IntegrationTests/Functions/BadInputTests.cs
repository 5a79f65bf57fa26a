using System.Net;
using System.Text;
using Serverless.Testing;
using static Serverless.IntegrationTests.Functions.ApiClient;

namespace Serverless.IntegrationTests.Functions;

/// <summary>Bad input to every endpoint that takes a body or a query: always a 4xx problem+json naming the
/// offending field (API.md, Conventions and Status codes), never a 500.</summary>
[Collection(ServiceCollection.Name)]
public sealed class BadInputTests(ServiceFixture fixture)
{
    private const string Json = "application/json";
    private const string NoBody = "@none";
    private const string Batch101 = "@batch101";
    private const string BigUtf8 = "@big-utf8";
    private const string BigBase64 = "@big-base64";
    private const string BigInBatch = "@big-in-batch";
    private const string OverFourMiB = "@over-4-MiB";
    private const string Receipts101 = "@receipts101";
    private const string LongName = "@long-name";

    private readonly HttpClient client = fixture.Client;

    /// <summary>(case, method, path, body, content type, status, field). In paths <c>{q}</c> is a freshly declared
    /// queue's path; bodies starting with <c>@</c> are generated (see <see cref="Body"/>).</summary>
    public static TheoryData<string, string, string, string, string, int, string> Cases => new()
    {
        // DeclareQueue
        { "declare: malformed JSON", "PUT", "{q}", "{\"arguments\": {", Json, 400, "body" },
        { "declare: not an object", "PUT", "{q}", "[1, 2]", Json, 400, "body" },
        { "declare: string for a number", "PUT", "{q}", "{\"arguments\":{\"shards\":\"2\"}}", Json, 400, "arguments.shards" },
        { "declare: arguments not an object", "PUT", "{q}", "{\"arguments\":5}", Json, 400, "arguments" },
        { "declare: visibilityTimeoutSeconds 0", "PUT", "{q}", "{\"arguments\":{\"visibilityTimeoutSeconds\":0}}", Json, 400, "arguments.visibilityTimeoutSeconds" },
        { "declare: visibilityTimeoutSeconds 43201", "PUT", "{q}", "{\"arguments\":{\"visibilityTimeoutSeconds\":43201}}", Json, 400, "arguments.visibilityTimeoutSeconds" },
        { "declare: shards 17", "PUT", "{q}", "{\"arguments\":{\"shards\":17}}", Json, 400, "arguments.shards" },
        { "declare: shards 0", "PUT", "{q}", "{\"arguments\":{\"shards\":0}}", Json, 400, "arguments.shards" },
        { "declare: maxPriority 10", "PUT", "{q}", "{\"arguments\":{\"maxPriority\":10}}", Json, 400, "arguments.maxPriority" },
        { "declare: delaySeconds 604801", "PUT", "{q}", "{\"arguments\":{\"delaySeconds\":604801}}", Json, 400, "arguments.delaySeconds" },
        { "declare: deliveryLimit 0", "PUT", "{q}", "{\"arguments\":{\"deliveryLimit\":0}}", Json, 400, "arguments.deliveryLimit" },
        { "declare: unknown overflow", "PUT", "{q}", "{\"arguments\":{\"overflow\":\"dropTail\"}}", Json, 400, "arguments.overflow" },
        { "declare: unknown replication", "PUT", "{q}", "{\"arguments\":{\"replication\":\"eventual\"}}", Json, 400, "arguments.replication" },
        { "declare: bad deadLetterExchange", "PUT", "{q}", "{\"arguments\":{\"deadLetterExchange\":\"bad name!\"}}", Json, 400, "arguments.deadLetterExchange" },
        { "declare: unknown top-level field", "PUT", "{q}", "{\"args\":{}}", Json, 400, "args" },
        { "declare: unknown argument", "PUT", "{q}", "{\"arguments\":{\"visibilityTimeout\":30}}", Json, 400, "arguments.visibilityTimeout" },
        { "declare: not JSON", "PUT", "{q}", "visibilityTimeoutSeconds=30", "text/plain", 415, "" },
        { "declare: queue name with a space", "PUT", "api/v1/vhosts/default/queues/bad%20name!", NoBody, Json, 400, "queue" },
        { "declare: queue name with a leading dash", "PUT", "api/v1/vhosts/default/queues/-leading", NoBody, Json, 400, "queue" },
        { "declare: queue name of 129 characters", "PUT", "api/v1/vhosts/default/queues/" + LongName, NoBody, Json, 400, "queue" },
        { "declare: bad vhost name", "PUT", "api/v1/vhosts/bad%20name!/queues/fine", NoBody, Json, 400, "vhost" },
        { "put vhost: vhost name with a leading dot", "PUT", "api/v1/vhosts/.hidden", NoBody, Json, 400, "vhost" },

        // PublishToQueue, one message
        { "publish: no body", "POST", "{q}/publish", NoBody, Json, 400, "body" },
        { "publish: malformed JSON", "POST", "{q}/publish", "{\"body\": \"x\"", Json, 400, "body" },
        { "publish: JSON null", "POST", "{q}/publish", "null", Json, 400, "body" },
        { "publish: an array", "POST", "{q}/publish", "[{\"body\":\"x\"}]", Json, 400, "body" },
        { "publish: body missing", "POST", "{q}/publish", "{\"messageId\":\"m\"}", Json, 400, "body" },
        { "publish: number for the body", "POST", "{q}/publish", "{\"body\":5}", Json, 400, "body" },
        { "publish: string for priority", "POST", "{q}/publish", "{\"body\":\"x\",\"priority\":\"1\"}", Json, 400, "priority" },
        { "publish: priority -1", "POST", "{q}/publish", "{\"body\":\"x\",\"priority\":-1}", Json, 400, "priority" },
        { "publish: delaySeconds 604801", "POST", "{q}/publish", "{\"body\":\"x\",\"delaySeconds\":604801}", Json, 400, "delaySeconds" },
        { "publish: ttlSeconds -1", "POST", "{q}/publish", "{\"body\":\"x\",\"ttlSeconds\":-1}", Json, 400, "ttlSeconds" },
        { "publish: unknown bodyEncoding", "POST", "{q}/publish", "{\"body\":\"x\",\"bodyEncoding\":\"hex\"}", Json, 400, "bodyEncoding" },
        { "publish: invalid base64", "POST", "{q}/publish", "{\"body\":\"not base64!\",\"bodyEncoding\":\"base64\"}", Json, 400, "body" },
        { "publish: messageId of 129 characters", "POST", "{q}/publish", "{\"body\":\"x\",\"messageId\":\"" + new string('m', 129) + "\"}", Json, 400, "messageId" },
        { "publish: empty messageId", "POST", "{q}/publish", "{\"body\":\"x\",\"messageId\":\"\"}", Json, 400, "messageId" },
        { "publish: unknown field", "POST", "{q}/publish", "{\"body\":\"x\",\"bogus\":1}", Json, 400, "bogus" },
        { "publish: headers not an object", "POST", "{q}/publish", "{\"body\":\"x\",\"headers\":[1]}", Json, 400, "headers" },
        { "publish: body over 256 KiB", "POST", "{q}/publish", BigUtf8, Json, 413, "body" },
        { "publish: base64 body over 256 KiB", "POST", "{q}/publish", BigBase64, Json, 413, "body" },
        { "publish: not JSON", "POST", "{q}/publish", "hello", "text/plain", 415, "" },
        { "publish: form post", "POST", "{q}/publish", "body=hello", "application/x-www-form-urlencoded", 415, "" },
        { "publish: request over 4 MiB", "POST", "{q}/publish", OverFourMiB, Json, 413, "body" },
        { "publish: bad queue name", "POST", "api/v1/vhosts/default/queues/bad%20name!/publish", "{\"body\":\"x\"}", Json, 400, "queue" },

        // PublishToQueue, a batch
        { "batch: 101 messages", "POST", "{q}/publish", Batch101, Json, 400, "messages" },
        { "batch: no messages", "POST", "{q}/publish", "{\"messages\":[]}", Json, 400, "messages" },
        { "batch: messages not an array", "POST", "{q}/publish", "{\"messages\":\"x\"}", Json, 400, "messages" },
        { "batch: null message", "POST", "{q}/publish", "{\"messages\":[{\"body\":\"ok\"},null]}", Json, 400, "messages[1]" },
        { "batch: string for priority", "POST", "{q}/publish", "{\"messages\":[{\"body\":\"ok\"},{\"body\":\"x\",\"priority\":\"high\"}]}", Json, 400, "messages[1].priority" },
        { "batch: delaySeconds 604801", "POST", "{q}/publish", "{\"messages\":[{\"body\":\"ok\"},{\"body\":\"x\",\"delaySeconds\":604801}]}", Json, 400, "messages[1].delaySeconds" },
        { "batch: unknown field in a message", "POST", "{q}/publish", "{\"messages\":[{\"body\":\"ok\"},{\"body\":\"x\",\"bogus\":1}]}", Json, 400, "messages[1].bogus" },
        { "batch: unknown field beside messages", "POST", "{q}/publish", "{\"messages\":[{\"body\":\"ok\"}],\"bogus\":1}", Json, 400, "bogus" },
        { "batch: invalid base64", "POST", "{q}/publish", "{\"messages\":[{\"body\":\"ok\"},{\"body\":\"!!\",\"bodyEncoding\":\"base64\"}]}", Json, 400, "messages[1].body" },
        { "batch: body over 256 KiB", "POST", "{q}/publish", BigInBatch, Json, 413, "messages[0].body" },

        // ReceiveMessages
        { "receive: malformed JSON", "POST", "{q}/receive", "{\"maxMessages\": 1", Json, 400, "body" },
        { "receive: string for a number", "POST", "{q}/receive", "{\"maxMessages\":\"5\"}", Json, 400, "maxMessages" },
        { "receive: fraction for a number", "POST", "{q}/receive", "{\"maxMessages\":1.5}", Json, 400, "maxMessages" },
        { "receive: maxMessages 0", "POST", "{q}/receive", "{\"maxMessages\":0}", Json, 400, "maxMessages" },
        { "receive: maxMessages 101", "POST", "{q}/receive", "{\"maxMessages\":101}", Json, 400, "maxMessages" },
        { "receive: waitSeconds 21", "POST", "{q}/receive", "{\"waitSeconds\":21}", Json, 400, "waitSeconds" },
        { "receive: waitSeconds -1", "POST", "{q}/receive", "{\"waitSeconds\":-1}", Json, 400, "waitSeconds" },
        { "receive: visibilityTimeoutSeconds 0", "POST", "{q}/receive", "{\"visibilityTimeoutSeconds\":0}", Json, 400, "visibilityTimeoutSeconds" },
        { "receive: visibilityTimeoutSeconds 43201", "POST", "{q}/receive", "{\"visibilityTimeoutSeconds\":43201}", Json, 400, "visibilityTimeoutSeconds" },
        { "receive: two bad fields", "POST", "{q}/receive", "{\"maxMessages\":0,\"waitSeconds\":21}", Json, 400, "maxMessages|waitSeconds" },
        { "receive: duplicate field", "POST", "{q}/receive", "{\"maxMessages\":1,\"maxMessages\":2}", Json, 400, "maxMessages" },
        { "receive: unknown field", "POST", "{q}/receive", "{\"maxMessage\":1}", Json, 400, "maxMessage" },
        { "receive: not JSON", "POST", "{q}/receive", "maxMessages=1", "text/plain", 415, "" },
        { "receive: queue name of 129 characters", "POST", "api/v1/vhosts/default/queues/" + LongName + "/receive", "{}", Json, 400, "queue" },

        // AckMessages
        { "ack: no body", "POST", "{q}/ack", NoBody, Json, 400, "body" },
        { "ack: malformed JSON", "POST", "{q}/ack", "{\"receipts\": [", Json, 400, "body" },
        { "ack: receipts missing", "POST", "{q}/ack", "{}", Json, 400, "receipts" },
        { "ack: no receipts", "POST", "{q}/ack", "{\"receipts\":[]}", Json, 400, "receipts" },
        { "ack: receipts not an array", "POST", "{q}/ack", "{\"receipts\":\"abc\"}", Json, 400, "receipts" },
        { "ack: number for a receipt", "POST", "{q}/ack", "{\"receipts\":[5]}", Json, 400, "receipts[0]" },
        { "ack: empty receipt", "POST", "{q}/ack", "{\"receipts\":[\"\"]}", Json, 400, "receipts" },
        { "ack: 101 receipts", "POST", "{q}/ack", Receipts101, Json, 400, "receipts" },
        { "ack: forged receipt", "POST", "{q}/ack", "{\"receipts\":[\"not-a-receipt\"]}", Json, 400, "receipts[0]" },
        { "ack: unknown field", "POST", "{q}/ack", "{\"receipts\":[\"x\"],\"requeue\":true}", Json, 400, "requeue" },
        { "ack: not JSON", "POST", "{q}/ack", "receipts=x", "text/plain", 415, "" },

        // NackMessages
        { "nack: malformed JSON", "POST", "{q}/nack", "{\"receipts\":[\"x\"],", Json, 400, "body" },
        { "nack: string for requeue", "POST", "{q}/nack", "{\"receipts\":[\"x\"],\"requeue\":\"yes\"}", Json, 400, "requeue" },
        { "nack: string for delaySeconds", "POST", "{q}/nack", "{\"receipts\":[\"x\"],\"delaySeconds\":\"2\"}", Json, 400, "delaySeconds" },
        { "nack: delaySeconds -1", "POST", "{q}/nack", "{\"receipts\":[\"x\"],\"delaySeconds\":-1}", Json, 400, "delaySeconds" },
        { "nack: delaySeconds 604801", "POST", "{q}/nack", "{\"receipts\":[\"x\"],\"delaySeconds\":604801}", Json, 400, "delaySeconds" },
        { "nack: delay without requeue", "POST", "{q}/nack", "{\"receipts\":[\"x\"],\"requeue\":false,\"delaySeconds\":5}", Json, 400, "delaySeconds" },
        { "nack: receipts missing", "POST", "{q}/nack", "{\"requeue\":true}", Json, 400, "receipts" },
        { "nack: unknown field", "POST", "{q}/nack", "{\"receipts\":[\"x\"],\"delay\":5}", Json, 400, "delay" },
        { "nack: not JSON", "POST", "{q}/nack", "receipts=x", "text/plain", 415, "" },

        // ExtendLeases
        { "extend: malformed JSON", "POST", "{q}/extend", "{\"receipts\":[\"x\"] \"visibilityTimeoutSeconds\":10}", Json, 400, "body" },
        { "extend: string for a number", "POST", "{q}/extend", "{\"receipts\":[\"x\"],\"visibilityTimeoutSeconds\":\"10\"}", Json, 400, "visibilityTimeoutSeconds" },
        { "extend: visibilityTimeoutSeconds 0", "POST", "{q}/extend", "{\"receipts\":[\"x\"],\"visibilityTimeoutSeconds\":0}", Json, 400, "visibilityTimeoutSeconds" },
        { "extend: visibilityTimeoutSeconds 43201", "POST", "{q}/extend", "{\"receipts\":[\"x\"],\"visibilityTimeoutSeconds\":43201}", Json, 400, "visibilityTimeoutSeconds" },
        { "extend: receipts missing", "POST", "{q}/extend", "{\"visibilityTimeoutSeconds\":10}", Json, 400, "receipts" },
        { "extend: unknown field", "POST", "{q}/extend", "{\"receipts\":[\"x\"],\"timeout\":10}", Json, 400, "timeout" },
        { "extend: not JSON", "POST", "{q}/extend", "receipts=x", "text/plain", 415, "" },

        // DeleteQueue query
        { "delete: ifEmpty=maybe", "DELETE", "{q}?ifEmpty=maybe", NoBody, Json, 400, "ifEmpty" },
        { "delete: ifUnused=1", "DELETE", "{q}?ifUnused=1", NoBody, Json, 400, "ifUnused" },
        { "delete: queue name with a leading dash", "DELETE", "api/v1/vhosts/default/queues/-leading", NoBody, Json, 400, "queue" },

        // PeekMessages query
        { "peek: state=bogus", "GET", "{q}/messages?state=bogus", NoBody, Json, 400, "state" },
        { "peek: state=1", "GET", "{q}/messages?state=1", NoBody, Json, 400, "state" },
        { "peek: limit=0", "GET", "{q}/messages?limit=0", NoBody, Json, 400, "limit" },
        { "peek: limit=101", "GET", "{q}/messages?limit=101", NoBody, Json, 400, "limit" },
        { "peek: limit=-1", "GET", "{q}/messages?limit=-1", NoBody, Json, 400, "limit" },
        { "peek: limit=abc", "GET", "{q}/messages?limit=abc", NoBody, Json, 400, "limit" },
        { "peek: limit=99999999999", "GET", "{q}/messages?limit=99999999999", NoBody, Json, 400, "limit" },

        // GetQueue route
        { "get queue: queue name of 129 characters", "GET", "api/v1/vhosts/default/queues/" + LongName, NoBody, Json, 400, "queue" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_input_is_a_4xx_problem_naming_the_field(string @case, string method, string path, string body, string contentType, int status, string field)
    {
        var queue = await client.DeclareQueueAsync();
        var url = path.Replace("{q}", QueuePath(queue), StringComparison.Ordinal).Replace(LongName, new string('a', 129), StringComparison.Ordinal);
        using var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = Body(body, contentType) };
        // As curl does for large bodies: the service can refuse before the body is sent, instead of
        // answering 413 and closing the connection while the client is still writing.
        request.Headers.ExpectContinue = body == OverFourMiB;

        using var response = await client.SendAsync(request);

        var fields = status is 400 or 413 ? field.Split('|') : [];
        var problem = await response.ExpectProblemAsync((HttpStatusCode)status, fields);
        Assert.True(problem.TryGetProperty("detail", out _), $"{@case}: the problem should have a detail: {problem}");
        // Nothing was written by a rejected request.
        Assert.Equal((0L, 0L, 0L, 0L), await client.CountsAsync(queue));
    }

    [Fact]
    public async Task Chunked_request_over_4_MiB_is_413()
    {
        var queue = await client.DeclareQueueAsync();
        var bytes = Encoding.UTF8.GetBytes(Generate(OverFourMiB));
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{QueuePath(queue)}/publish")
        {
            Content = new StreamContent(new NonSeekableStream(bytes)) { Headers = { ContentType = new("application/json") } },
        };
        request.Headers.TransferEncodingChunked = true;

        using var response = await client.SendAsync(request);

        await response.ExpectProblemAsync(HttpStatusCode.RequestEntityTooLarge, "body");
        Assert.Equal((0L, 0L, 0L, 0L), await client.CountsAsync(queue));
    }

    [Fact]
    public async Task Validation_problem_names_every_bad_message_of_a_batch()
    {
        var queue = await client.DeclareQueueAsync();

        var problem = await client.PostJsonAsync($"{QueuePath(queue)}/publish", new
        {
            messages = new object[]
            {
                new { body = "ok" },
                new { body = "x", priority = -1, ttlSeconds = -5 },
                new { body = "ok" },
                new { body = "y", delaySeconds = 604801 },
            },
        }).ExpectProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(["messages[1].priority", "messages[1].ttlSeconds", "messages[3].delaySeconds"], problem.ErrorFields());
    }

    private static HttpContent? Body(string body, string contentType)
    {
        if (body == NoBody) return null;
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(Generate(body)));
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        return content;
    }

    private static string Generate(string body) => body switch
    {
        Batch101 => "{\"messages\":[" + string.Join(",", Enumerable.Repeat("{\"body\":\"x\"}", 101)) + "]}",
        BigUtf8 => "{\"body\":\"" + new string('x', 256 * 1024 + 1) + "\"}",
        BigBase64 => "{\"body\":\"" + Convert.ToBase64String(new byte[256 * 1024 + 1]) + "\",\"bodyEncoding\":\"base64\"}",
        BigInBatch => "{\"messages\":[{\"body\":\"" + new string('x', 256 * 1024 + 1) + "\"},{\"body\":\"ok\"}]}",
        // 21 messages of 250,000 characters: each within the body limit, together over 4 MiB.
        OverFourMiB => "{\"messages\":[" + string.Join(",", Enumerable.Repeat("{\"body\":\"" + new string('x', 250_000) + "\"}", 21)) + "]}",
        Receipts101 => "{\"receipts\":[" + string.Join(",", Enumerable.Repeat("\"x\"", 101)) + "]}",
        _ => body,
    };

    /// <summary>Hides the length, so the request goes out chunked.</summary>
    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
