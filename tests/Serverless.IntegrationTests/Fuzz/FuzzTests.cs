using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using Serverless.IntegrationTests.Functions;
using Serverless.Testing;
using Xunit.Abstractions;

namespace Serverless.IntegrationTests.Fuzz;

/// <summary>Generated requests to every endpoint of the served OpenAPI document (so a new endpoint is fuzzed without
/// editing this test): never a 500 (a 5xx only as the documented 503 with <c>Retry-After</c>), never a hang, a
/// problem+json on every 4xx, and no row created or removed in either region by a request that was refused.
/// Its own service and regions: nothing another test does can move the row counts.</summary>
public sealed class FuzzTests(ServiceFixture fixture, ITestOutputHelper output) : IClassFixture<ServiceFixture>
{
    private static readonly TimeSpan SettleQuiet = TimeSpan.FromMilliseconds(600);
    private static readonly TimeSpan SettleLimit = TimeSpan.FromSeconds(8);

    private readonly HttpClient client = fixture.Client;
    private readonly StoreRowCounts rows = new(new Dictionary<string, string>
    {
        [AzuriteRegionsFixture.PrimaryName] = fixture.Regions.Primary.ConnectionString,
        [AzuriteRegionsFixture.SecondaryName] = fixture.Regions.Secondary.ConnectionString,
    });

    [Fact]
    public async Task Generated_requests_to_every_endpoint_are_never_a_500_never_hang_and_write_nothing_when_refused()
    {
        var settings = FuzzSettings.FromEnvironment();
        var endpoints = ApiEndpoint.FromOpenApi((await client.GetFromJsonAsync<JsonNode>("api/openapi/v1.json"))!);
        Assert.True(endpoints.Count >= 30, $"the document lists {endpoints.Count} operations");
        var targets = new FuzzTargets { AdminKey = fixture.Service.AdminKey };
        await EnsureTargetsAsync(targets);
        await The_row_counts_see_an_accepted_write_async();

        var generator = RequestGenerators.Any(endpoints, targets);
        var report = new FuzzReport();
        var clock = Stopwatch.StartNew();
        var before = await rows.SettleAsync(SettleQuiet, SettleLimit);
        var index = 0;
        for (; index < settings.Cases && clock.Elapsed < settings.TimeLimit; index++)
        {
            var request = generator.Generate(new PCG(1, settings.Seed + (ulong)index), null, out _);
            var answer = await SendAsync(request, settings.RequestBound);
            report.Record(request, answer);
            foreach (var problem in Problems(answer)) report.Finding(index, request, problem);

            if (answer.Response is { Status: >= 400 and < 500 })
            {
                var after = await rows.SnapshotAsync();
                if (!StoreRowCounts.Same(before, after))
                {
                    // Something else (a timer, an earlier accepted request's background work) may have moved a
                    // count meanwhile: only a refused request that writes again when replayed alone is a finding.
                    var (replayed, written) = await ReplayAloneAsync(request, settings.RequestBound);
                    report.Replays++;
                    if (replayed is { Status: >= 400 and < 500 } && written.Length > 0)
                    {
                        report.Finding(index, request, $"refused with {replayed.Status} but changed row counts: {written}");
                    }
                    after = await rows.SettleAsync(SettleQuiet, SettleLimit);
                }
                before = after;
            }
            else if (answer.Response is { Status: < 300 } && request.Request.Method == "GET" && await UnchangedAsync(before) is { } same)
            {
                // A read: nothing to wait for.
                before = same;
            }
            else
            {
                // Accepted (or failed): it may write, also in the background. Put back what a delete removed, then
                // wait until the store is quiet so that the next refused request is measured alone.
                if (answer.Response is { Status: < 300 } && request.Request.Method is "DELETE" or "POST") await EnsureTargetsAsync(targets);
                before = await rows.SettleAsync(SettleQuiet, SettleLimit);
            }
        }

        output.WriteLine($"fuzz: {index} cases in {clock.Elapsed.TotalSeconds:F1} s over {endpoints.Count} operations (seed {settings.Seed}; " +
            $"SERVERLESS_FUZZ_CASES={settings.Cases}, SERVERLESS_FUZZ_SECONDS={settings.TimeLimit.TotalSeconds:F0})");
        output.WriteLine($"time: requests {report.RequestTime.TotalSeconds:F1} s, counting and settling {rows.Spent.TotalSeconds:F1} s");
        foreach (var line in report.Summary()) output.WriteLine(line);
        Assert.True(report.Findings.Count == 0, $"{report.Findings.Count} findings (seed {settings.Seed}):\n" + string.Join("\n", report.Findings.Take(40)));
    }

    private async Task<IReadOnlyDictionary<string, long>?> UnchangedAsync(IReadOnlyDictionary<string, long> before)
    {
        var now = await rows.SnapshotAsync();
        return StoreRowCounts.Same(before, now) ? now : null;
    }

    /// <summary>The detector is not blind: an accepted publish shows in the counts of both regions' tables.</summary>
    private async Task The_row_counts_see_an_accepted_write_async()
    {
        var before = await rows.SettleAsync(SettleQuiet, SettleLimit);
        await client.PublishTextAsync(FuzzTargets.Queue, "seen by the counts");
        var after = await rows.SettleAsync(SettleQuiet, SettleLimit);
        Assert.False(StoreRowCounts.Same(before, after), "a publish should change the row counts");
    }

    private async Task<FuzzAnswer> SendAsync(FuzzRequest request, TimeSpan bound)
    {
        using var timeout = new CancellationTokenSource(bound);
        var clock = Stopwatch.StartNew();
        try
        {
            var response = await RawHttp.SendAsync(fixture.Service.BaseAddress, request.Request, timeout.Token);
            return new FuzzAnswer(response, clock.Elapsed, null);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return new FuzzAnswer(null, clock.Elapsed, $"no answer within {bound.TotalSeconds:F0} s");
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or System.Net.Sockets.SocketException or FormatException or IndexOutOfRangeException)
        {
            return new FuzzAnswer(null, clock.Elapsed, $"no readable answer: {ex.GetType().Name}: {ex.Message}");
        }
    }

    private static IEnumerable<string> Problems(FuzzAnswer answer)
    {
        if (answer.Failure is { } failure)
        {
            yield return failure;
            yield break;
        }
        var response = answer.Response!;
        if (response.Status >= 500 && !(response.Status == 503 && response.Headers.ContainsKey("retry-after")))
        {
            yield return $"{response.Status}: {Shorten(response.Body)}";
        }
        if (response.Status >= 400 && !IsProblem(response))
        {
            yield return $"{response.Status} without a problem+json body (Content-Type '{response.ContentType}'): {Shorten(response.Body)}";
        }
    }

    private static bool IsProblem(RawHttpResponse response)
    {
        if (response.ContentType?.Split(';')[0].Trim() != "application/problem+json") return false;
        try
        {
            using var problem = JsonDocument.Parse(response.Body);
            return problem.RootElement.TryGetProperty("status", out var status) && status.GetInt32() == response.Status
                && problem.RootElement.TryGetProperty("title", out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Waits for a quiet store, sends <paramref name="request"/> again and says what it changed.</summary>
    private async Task<(RawHttpResponse? Replayed, string Written)> ReplayAloneAsync(FuzzRequest request, TimeSpan bound)
    {
        var before = await rows.SettleAsync(TimeSpan.FromSeconds(1.5), SettleLimit);
        var answer = await SendAsync(request, bound);
        var after = await rows.SnapshotAsync();
        return (answer.Response, StoreRowCounts.Same(before, after) ? "" : StoreRowCounts.Describe(before, after));
    }

    /// <summary>Declares (again) what the generators aim at; every call is idempotent but the binding's.</summary>
    private async Task EnsureTargetsAsync(FuzzTargets targets)
    {
        // The fuzz may have deleted the default vhost too.
        await Expect(client.PutAsync(ApiClient.VhostPath(ApiClient.DefaultVhost), null), HttpStatusCode.OK, HttpStatusCode.Created);
        await Expect(client.PutAsync(ApiClient.VhostPath(FuzzTargets.Vhost), null), HttpStatusCode.OK, HttpStatusCode.Created);
        // A length limit keeps the rows that accepted publishes leave, and so the cost of counting, bounded.
        await Expect(client.PutJsonAsync(ApiClient.QueuePath(FuzzTargets.Queue), new { arguments = new { maxLength = 20 } }), HttpStatusCode.OK, HttpStatusCode.Created);
        await Expect(client.PutJsonAsync($"{ApiClient.VhostPath(ApiClient.DefaultVhost)}/exchanges/{FuzzTargets.Exchange}", new { type = "direct" }), HttpStatusCode.OK, HttpStatusCode.Created);
        await Expect(client.PutJsonAsync($"{ApiClient.VhostPath(ApiClient.DefaultVhost)}/policies/{FuzzTargets.Policy}", new { pattern = "^fuzz-none$", definition = new { deliveryLimit = 5 } }), HttpStatusCode.OK, HttpStatusCode.Created);
        var bindings = await client.GetAsync($"{ApiClient.VhostPath(ApiClient.DefaultVhost)}/bindings?source={FuzzTargets.Exchange}&destination={FuzzTargets.Queue}").ExpectAsync(HttpStatusCode.OK);
        var existing = bindings.ValueKind == JsonValueKind.Array ? bindings.EnumerateArray().Select(b => b.Str("id")).FirstOrDefault() : null;
        targets.BindingId = existing ?? (await client.PostJsonAsync($"{ApiClient.VhostPath(ApiClient.DefaultVhost)}/bindings",
            new { source = FuzzTargets.Exchange, destination = FuzzTargets.Queue, routingKey = "k" }).ExpectAsync(HttpStatusCode.Created)).Str("id");
        await client.PublishTextAsync(FuzzTargets.Queue, "for a receipt");
        var received = await client.ReceiveAsync(FuzzTargets.Queue, visibilityTimeoutSeconds: 600);
        if (received.Length > 0) targets.Receipt = received[0].Str("receipt");
        if (!await KeyWorksAsync(targets.VhostKey)) targets.VhostKey = await CreateKeyAsync(".*");
        if (!await KeyWorksAsync(targets.NarrowKey)) targets.NarrowKey = await CreateKeyAsync("^fuzz-none$");
    }

    private async Task<bool> KeyWorksAsync(string key)
    {
        if (key.Length == 0) return false;
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{ApiClient.VhostPath(ApiClient.DefaultVhost)}/queues");
        request.Headers.Authorization = new("Bearer", key);
        using var anonymous = new HttpClient { BaseAddress = client.BaseAddress };
        using var response = await anonymous.SendAsync(request);
        return response.IsSuccessStatusCode;
    }

    private async Task<string> CreateKeyAsync(string pattern) =>
        (await client.CreateKeyAsync(ApiClient.DefaultVhost, pattern, pattern, pattern)).Key;

    private static async Task Expect(Task<HttpResponseMessage> call, params HttpStatusCode[] statuses)
    {
        using var response = await call;
        Assert.True(statuses.Contains(response.StatusCode), $"{response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static string Shorten(string text) => text.Length > 300 ? text[..300] + "…" : text;
}
