using System.Net;
using Serverless.IntegrationTests.Functions;
using Xunit.Abstractions;

namespace Serverless.IntegrationTests.Access;

/// <summary>The service with small limits: 5 requests/s per caller (burst 10), 20 messages/s per queue (burst 100).</summary>
public sealed class RateLimitedServiceFixture : AccessServiceFixture
{
    public const int RequestBurst = 10, PublishBurst = 100;

    protected override IReadOnlyDictionary<string, string?> MoreSettings => new Dictionary<string, string?>
    {
        ["RateLimits:RequestsPerSecondPerKey"] = "5",
        ["RateLimits:RequestBurstPerKey"] = RequestBurst.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["RateLimits:PublishesPerSecondPerQueue"] = "20",
        ["RateLimits:PublishBurstPerQueue"] = PublishBurst.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

public sealed class RateLimitTests(RateLimitedServiceFixture fixture, ITestOutputHelper output) : IClassFixture<RateLimitedServiceFixture>
{
    private const string Vhost = AccessServiceFixture.Vhost;

    [Fact]
    public async Task A_burst_over_a_keys_rate_gets_429_with_retry_after_and_recovers_while_other_keys_go_on()
    {
        await SetUpAsync();
        using var busy = await KeyClientAsync();
        using var other = await KeyClientAsync();

        // All at once, so that they arrive within a second or two however slow the machine: far more than the burst
        // of 10 plus what 5/s refills meanwhile.
        var responses = await Task.WhenAll(Enumerable.Range(0, RateLimitedServiceFixture.RequestBurst * 6)
            .Select(_ => busy.GetAsync($"{ApiClient.VhostPath(Vhost)}/queues")));
        var statuses = responses.Select(r => r.StatusCode).ToList();
        var throttled = responses.FirstOrDefault(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, $"{s}"));
        Assert.NotNull(throttled);
        Assert.InRange(statuses.Count(s => s == HttpStatusCode.OK), RateLimitedServiceFixture.RequestBurst, statuses.Count - 1);
        await throttled.ExpectProblemAsync(HttpStatusCode.TooManyRequests);
        var retryAfter = throttled.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));
        output.WriteLine($"{statuses.Count(s => s == HttpStatusCode.OK)} of {statuses.Count} requests admitted, the others 429 with Retry-After {retryAfter.Value.TotalSeconds} s");
        foreach (var response in responses) response.Dispose();

        // Another key is not affected, right now.
        using (var response = await other.GetAsync($"{ApiClient.VhostPath(Vhost)}/queues")) Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        await Task.Delay(retryAfter.Value);
        using (var response = await busy.GetAsync($"{ApiClient.VhostPath(Vhost)}/queues")) Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Publishing_faster_than_a_queues_rate_gets_429_and_nothing_is_stored_while_other_queues_take_messages()
    {
        await SetUpAsync();
        var (hot, cool) = (await QueueAsync(), await QueueAsync());
        using var publisher = await KeyClientAsync();
        using var publisher2 = await KeyClientAsync();
        var batch = new { messages = Enumerable.Range(0, RateLimitedServiceFixture.PublishBurst).Select(i => new { body = $"m{i}" }).ToArray() };

        await publisher.PostJsonAsync($"{ApiClient.VhostPath(Vhost)}/queues/{hot}/publish", batch).ExpectAsync(HttpStatusCode.Created);
        // The first batch emptied the bucket; what refilled while it was stored is far less than another batch.
        using var refused = await publisher.PostJsonAsync($"{ApiClient.VhostPath(Vhost)}/queues/{hot}/publish", batch);

        await refused.ExpectProblemAsync(HttpStatusCode.TooManyRequests);
        var retryAfter = refused.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(RateLimitedServiceFixture.PublishBurst / 20 + 1));
        Assert.Equal(RateLimitedServiceFixture.PublishBurst, (await fixture.Admin.CountsAsync(hot, Vhost)).Ready);
        await publisher2.PostJsonAsync($"{ApiClient.VhostPath(Vhost)}/queues/{cool}/publish", new { body = "elsewhere" }).ExpectAsync(HttpStatusCode.Created);

        await Task.Delay(retryAfter.Value);
        await publisher2.PostJsonAsync($"{ApiClient.VhostPath(Vhost)}/queues/{hot}/publish", new { body = "after the wait" }).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(RateLimitedServiceFixture.PublishBurst + 1, (await fixture.Admin.CountsAsync(hot, Vhost)).Ready);
    }

    private async Task SetUpAsync()
    {
        using var response = await fixture.Admin.PutAsync(ApiClient.VhostPath(Vhost), null);
        Assert.True(response.IsSuccessStatusCode);
    }

    private async Task<string> QueueAsync()
    {
        var queue = $"m-q-{Guid.NewGuid():N}"[..20];
        await fixture.Admin.PutAsync($"{ApiClient.VhostPath(Vhost)}/queues/{queue}", null).ExpectAsync(HttpStatusCode.Created);
        return queue;
    }

    private async Task<HttpClient> KeyClientAsync()
    {
        var (_, key) = await fixture.Admin.CreateKeyAsync(Vhost, ".*", ".*", ".*");
        var client = fixture.Anonymous();
        client.DefaultRequestHeaders.Authorization = new("Bearer", key);
        return client;
    }
}
