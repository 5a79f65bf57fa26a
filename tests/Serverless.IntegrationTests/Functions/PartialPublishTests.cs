using System.Net;
using Serverless.Testing;

namespace Serverless.IntegrationTests.Functions;

/// <summary>Issue 8, item 1, as a client sees it: a batch that storage took only in part is answered 503 with
/// <c>Retry-After</c> and a result per message (its id, <c>enqueued</c> or <c>failed</c>), so the client resends exactly
/// the failed ones. The service's second storage transaction is made to fail (<c>Diagnostics:Faults</c>).</summary>
public sealed class PartialPublishTests(AzuriteRegionsFixture regions) : IClassFixture<AzuriteRegionsFixture>
{
    [Fact]
    public async Task A_batch_stored_in_part_is_503_naming_each_message_enqueued_or_failed()
    {
        await using var service = await ServiceProcess.StartAsync(new ServiceProcessOptions
        {
            RegionConfiguration = regions.RegionConfiguration,
            Environment = new Dictionary<string, string?> { ["Diagnostics:Faults:FailTransactionNumbers"] = "2" },
        });
        using var client = service.CreateClient();
        var queue = await client.DeclareQueueAsync();
        var batch = Enumerable.Range(0, 100).Select(i => (object)new { body = $"m{i}" }).ToArray();

        var response = await client.PostJsonAsync($"{ApiClient.QueuePath(queue)}/publish", new { messages = batch });

        var retryAfter = response.Headers.RetryAfter?.Delta;
        var problem = await response.ExpectProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal(TimeSpan.FromSeconds(1), retryAfter);
        var results = problem.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(100, results.Count);
        Assert.All(results, r => Assert.False(string.IsNullOrEmpty(r.GetProperty("messageId").GetString())));
        var enqueued = results.Where(r => r.GetProperty("status").GetString() == "enqueued").Select(r => r.GetProperty("messageId").GetString()!).ToList();
        var failed = results.Where(r => r.GetProperty("status").GetString() == "failed").Select(r => r.GetProperty("messageId").GetString()!).ToList();
        // The first transaction (49 small messages: each with its index row and its change row) committed; the second
        // failed. The queue is sync: the 49 were written to the secondary before the answer said enqueued.
        Assert.Equal(49, enqueued.Count);
        Assert.Equal(51, failed.Count);

        var resent = failed.Select(id => (object)new { body = "again", messageId = id }).ToArray();
        await client.PostJsonAsync($"{ApiClient.QueuePath(queue)}/publish", new { messages = resent }).ExpectAsync(HttpStatusCode.Created);
        var info = await client.GetAsync(ApiClient.QueuePath(queue)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(100, info.GetProperty("messages").GetProperty("total").GetInt32());
    }
}
