using System.Text.Json;
using Serverless.DevHost.Triggers;
using Serverless.DevHost.Worker;

namespace Serverless.UnitTests.DevHost;

public sealed class InvocationRequestsTests
{
    [Fact]
    public void Every_request_carries_a_w3c_trace_context()
    {
        var http = InvocationRequests.ForHttp("f", "i", "req", [], new Dictionary<string, string>(), new Dictionary<string, string>());
        var timer = InvocationRequests.ForTimer("f", "i", "timer", new TimerFiring(null, DateTimeOffset.UtcNow, false));

        Assert.All([http, timer], request => Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$", request.TraceContext.TraceParent));
    }

    [Fact]
    public void Forwarded_http_request_is_an_empty_rpc_http_with_route_values_query_and_headers_as_trigger_metadata()
    {
        var request = InvocationRequests.ForHttp("function-1", "invocation-1", "req",
            [new("vhost", "v1"), new("queue", "orders")],
            new Dictionary<string, string> { ["limit"] = "5" },
            new Dictionary<string, string> { ["content-type"] = "application/json" });

        var trigger = Assert.Single(request.InputData);
        Assert.Equal("req", trigger.Name);
        Assert.NotNull(trigger.Data.Http);
        Assert.Equal(("function-1", "invocation-1"), (request.FunctionId, request.InvocationId));
        Assert.Equal("v1", request.TriggerMetadata["vhost"].String);
        Assert.Equal("orders", request.TriggerMetadata["queue"].String);
        Assert.Equal("5", JsonDocument.Parse(request.TriggerMetadata["Query"].Json).RootElement.GetProperty("limit").GetString());
        Assert.Equal("application/json", JsonDocument.Parse(request.TriggerMetadata["Headers"].Json).RootElement.GetProperty("content-type").GetString());
    }

    [Fact]
    public void Timer_payload_is_timer_info_json()
    {
        var next = new DateTimeOffset(2026, 11, 30, 12, 0, 5, TimeSpan.Zero);

        var request = InvocationRequests.ForTimer("f", "i", "timer", new TimerFiring(null, next, IsPastDue: true));

        using var info = JsonDocument.Parse(request.InputData.Single().Data.Json);
        Assert.True(info.RootElement.GetProperty("IsPastDue").GetBoolean());
        Assert.Equal(next.UtcDateTime, info.RootElement.GetProperty("ScheduleStatus").GetProperty("Next").GetDateTime());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Queue_message_is_its_text_or_bytes_with_the_hosts_trigger_metadata(bool binary)
    {
        var inserted = new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
        var message = new QueueDelivery("m-1", "pop-1", BinaryData.FromString("hello"), 3, inserted, inserted.AddDays(7), inserted.AddMinutes(10));

        var request = InvocationRequests.ForQueue("f", "i", "message", binary, message);

        var data = request.InputData.Single().Data;
        Assert.Equal("hello", binary ? data.Bytes.ToStringUtf8() : data.String);
        Assert.Equal("m-1", request.TriggerMetadata["Id"].String);
        Assert.Equal("pop-1", request.TriggerMetadata["PopReceipt"].String);
        Assert.Equal(3, JsonSerializer.Deserialize<long>(request.TriggerMetadata["DequeueCount"].Json));
        Assert.Equal("hello", request.TriggerMetadata["QueueTrigger"].String);
        Assert.Equal(inserted, JsonSerializer.Deserialize<DateTimeOffset>(request.TriggerMetadata["InsertionTime"].Json));
        Assert.True(request.TriggerMetadata.ContainsKey("ExpirationTime") && request.TriggerMetadata.ContainsKey("NextVisibleTime"));
    }
}
