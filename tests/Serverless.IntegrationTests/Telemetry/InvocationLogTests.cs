using System.Net;
using System.Text.Json.Nodes;
using Serverless.IntegrationTests.Messages;
using Serverless.Testing;

namespace Serverless.IntegrationTests.Telemetry;

/// <summary>Issue 13, structured logs: a function's log records carry the id of the invocation that wrote them. The worker
/// opens a scope with the invocation id around every invocation and sends it with each record to the host (RpcLog), which
/// is where devhost, like the Functions host, reads it.</summary>
[Collection(ServiceCollection.Name)]
public sealed class InvocationLogTests(ServiceFixture service)
{
    [Fact]
    public async Task A_log_line_written_during_a_timer_invocation_carries_that_invocation_id()
    {
        using var run = await service.Client.PostAsync("admin/functions/SampleQueueDepth?wait=true", content: null);
        var invocationId = (string)(await QueueApi.ExpectAsync(run, HttpStatusCode.OK))["invocationId"]!;

        // TimerRunMiddleware logs "SampleQueueDepth ran in ..." inside the invocation; the relay may write it a moment after the answer.
        var expected = $"(invocation {invocationId})";
        string? line = null;
        for (var waited = 0; line is null && waited < 50; waited++)
        {
            line = service.Service.OutputLines.FirstOrDefault(l => l.Contains("SampleQueueDepth ran in", StringComparison.Ordinal) && l.Contains(expected, StringComparison.Ordinal));
            if (line is null) await Task.Delay(100);
        }

        Assert.True(line is not null, $"no line of SampleQueueDepth with {expected}; last lines:\n{string.Join('\n', service.Service.OutputLines.TakeLast(20))}");
    }
}
