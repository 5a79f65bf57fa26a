using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Serverless.DevHost.Hosting;
using Serverless.Testing;

namespace Serverless.IntegrationTests.DevHost;

/// <summary>What devhost serves is exactly what the Worker SDK wrote into functions.metadata, one to one: the names,
/// HTTP methods and routes, and timer schedules; listed by <c>GET /admin/functions</c>, printed at start, and routed.</summary>
public sealed partial class FunctionMetadataTests(AzuriteRegionsFixture regions) : IClassFixture<AzuriteRegionsFixture>
{
    [Fact]
    public async Task Devhost_lists_prints_and_routes_exactly_the_functions_of_functions_metadata()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var expected = ExpectedFunctions();
        Assert.NotEmpty(expected);
        await using var service = await ServiceProcess.StartAsync(new ServiceProcessOptions { RegionConfiguration = regions.RegionConfiguration }, timeout.Token);
        using var client = service.CreateClient();

        var listed = await client.GetFromJsonAsync<List<FunctionSummary>>("admin/functions", new JsonSerializerOptions(JsonSerializerDefaults.Web), timeout.Token);
        Assert.Equal(expected, listed!.Select(Describe).Order(StringComparer.Ordinal).ToList());

        var printed = service.OutputLines
            .Select(l => PrintedFunction().Match(l))
            .Where(m => m.Success)
            .Select(m => m.Groups["line"].Value.Replace(service.BaseAddress.GetLeftPart(UriPartial.Authority) + "/", string.Empty, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal(expected, printed);

        foreach (var function in listed!.Where(f => f.Trigger == "httpTrigger"))
        {
            foreach (var method in function.Methods!)
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), SampleUrl(function.Route!));
                using var response = await client.SendAsync(request, timeout.Token);
                var body = await response.Content.ReadAsStringAsync(timeout.Token);
                Assert.False(IsDevHostRefusal(response.StatusCode, body), $"{method} {function.Route} was not routed to {function.Name}: {body}");
            }
        }
    }

    [Fact]
    public async Task A_path_no_function_serves_is_a_404_problem_and_a_wrong_method_a_405_problem_with_allow()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var service = await ServiceProcess.StartAsync(new ServiceProcessOptions { RegionConfiguration = regions.RegionConfiguration }, timeout.Token);
        using var client = service.CreateClient();

        using var missing = await client.GetAsync("api/v1/nothing-here", timeout.Token);
        using var wrongMethod = await client.PatchAsync("api/health", content: null, timeout.Token);

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        Assert.Equal("application/problem+json", wrongMethod.Content.Headers.ContentType?.MediaType);
        Assert.Contains("GET", wrongMethod.Content.Headers.Allow);
    }

    /// <summary>Each function of the built app's functions.metadata as one line: name, trigger, and methods + route or schedule.</summary>
    private static List<string> ExpectedFunctions()
    {
        var appDirectory = DefaultFunctionApp.Directory()!;
        var host = JsonNode.Parse(File.ReadAllText(Path.Combine(appDirectory, "host.json")))!;
        var prefix = (string?)host["extensions"]?["http"]?["routePrefix"] ?? "api";
        var functions = JsonNode.Parse(File.ReadAllText(Path.Combine(appDirectory, "functions.metadata")))!.AsArray();
        return functions.Select(f =>
        {
            var name = (string)f!["name"]!;
            var trigger = f["bindings"]!.AsArray().Single(b => ((string)b!["type"]!).EndsWith("Trigger", StringComparison.Ordinal))!;
            return (string)trigger["type"]! switch
            {
                "httpTrigger" => $"{name}: [{string.Join(",", trigger["methods"]!.AsArray().Select(m => ((string)m!).ToUpperInvariant()))}] {prefix}/{(string?)trigger["route"] ?? name}",
                "timerTrigger" => $"{name}: timerTrigger ({(string)trigger["schedule"]!})",
                "queueTrigger" => $"{name}: queueTrigger ({(string)trigger["queueName"]!})",
                var other => $"{name}: {other}",
            };
        }).Order(StringComparer.Ordinal).ToList();
    }

    private static string Describe(FunctionSummary function) => function.Describe(string.Empty).Replace("] /", "] ", StringComparison.Ordinal);

    // Route parameters filled with a valid resource name; the function may answer anything but devhost's own refusals.
    private static string SampleUrl(string route) => RouteParameter().Replace(route, "sample-1");

    private static bool IsDevHostRefusal(HttpStatusCode status, string body) =>
        (status == HttpStatusCode.NotFound && body.Contains("No function serves", StringComparison.Ordinal))
        || status == HttpStatusCode.MethodNotAllowed;

    [GeneratedRegex(@"^\s{8}(?<line>\S+: .+)$")]
    private static partial Regex PrintedFunction();

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteParameter();
}
