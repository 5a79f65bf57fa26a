using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Serverless.Functions.Hosting;
using Serverless.Functions.Hosting.Local;
using Serverless.IntegrationTests.Messages;
using Serverless.Testing;

namespace Serverless.IntegrationTests.Hosting;

/// <summary>Two regions and the executable started the way the Azure Functions host starts a custom
/// handler: <c>FUNCTIONS_CUSTOMHANDLER_PORT</c> set, nothing else.</summary>
public sealed class CustomHandlerFixture : IAsyncLifetime
{
    private ServiceProcess? _service;
    private HttpClient? _client;

    public AzuriteRegionsFixture Regions { get; } = new();

    public ServiceProcess Service => _service ?? throw new InvalidOperationException("Not started.");

    /// <summary>A client that sends the admin key, as a caller reaching the app through the host would.</summary>
    public HttpClient Client => _client ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        try
        {
            await Regions.InitializeAsync();
            _service = await ServiceProcess.StartAsync(new ServiceProcessOptions
            {
                RegionConfiguration = Regions.RegionConfiguration,
                CustomHandlerPort = FreePort.Next(),
            });
            _client = _service.CreateClient();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        try
        {
            if (_service is not null) await _service.DisposeAsync();
        }
        finally
        {
            await Regions.DisposeAsync();
        }
    }
}

/// <summary>Plays the Functions host against the executable: readiness, timer invocations, forwarded HTTP
/// requests, and no timers of its own (the host fires them).</summary>
public sealed class CustomHandlerContractTests(CustomHandlerFixture fixture) : IClassFixture<CustomHandlerFixture>
{
    public static TheoryData<string> TimerFunctions => new(FunctionCatalog.All.Where(f => f.Kind == TriggerKind.Timer).Select(f => f.Name));

    [Fact]
    public async Task Readiness_probe_GET_root_answers_200()
    {
        using var host = new HttpClient { BaseAddress = fixture.Service.BaseAddress };

        using var response = await host.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(TimerFunctions))]
    public async Task Timer_invocation_is_answered_with_outputs_logs_and_a_null_return_value(string function)
    {
        using var host = new HttpClient { BaseAddress = fixture.Service.BaseAddress };

        using var response = await host.PostAsync("/" + function, TimerInvocation(function));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var answer = Assert.IsType<JsonObject>(JsonNode.Parse(body));
        Assert.Equal(["Logs", "Outputs", "ReturnValue"], answer.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.IsType<JsonObject>(answer["Outputs"]);
        var logs = Assert.IsType<JsonArray>(answer["Logs"]);
        Assert.NotEmpty(logs);
        Assert.All(logs, line => Assert.False(string.IsNullOrWhiteSpace((string?)line)));
        Assert.Null(answer["ReturnValue"]);
    }

    [Fact]
    public async Task Forwarded_http_request_reaches_its_function_under_the_api_prefix()
    {
        var queue = QueueApi.NewQueueName("forwarded");

        using var declared = await fixture.Client.PutAsync(QueueApi.QueuePath(queue), JsonContent("{}"));
        using var anonymous = new HttpClient { BaseAddress = fixture.Service.BaseAddress };
        using var withoutKey = await anonymous.GetAsync(QueueApi.QueuePath(queue));

        var body = await declared.Content.ReadAsStringAsync();
        Assert.True(declared.StatusCode == HttpStatusCode.Created, $"{(int)declared.StatusCode}: {body}");
        Assert.Equal(queue, (string?)JsonNode.Parse(body)!["name"]);
        // function.json lets every call through (authLevel anonymous): the app itself must refuse a missing key.
        Assert.Equal(HttpStatusCode.Unauthorized, withoutKey.StatusCode);
    }

    [Fact]
    public async Task Expired_leases_wait_for_the_host_to_invoke_ReleaseDueMessages()
    {
        var client = fixture.Client;
        var queue = QueueApi.NewQueueName("host-timers");
        await client.DeclareQueueAsync(queue);
        await client.PublishAsync(queue, ["lapsing"]);
        var leased = Assert.Single(await client.ReceiveAsync(queue, maxMessages: 1, visibilityTimeoutSeconds: 1));

        // Standalone, ReleaseDueMessages runs every 5 s and would have made the message ready by now.
        await Task.Delay(TimeSpan.FromSeconds(7));

        Assert.Equal(leased.MessageId, Assert.Single(await client.PeekAsync(queue, "inFlight")).MessageId);
        Assert.Empty(await client.PeekAsync(queue, "ready"));

        using var host = new HttpClient { BaseAddress = fixture.Service.BaseAddress };
        using var invoked = await host.PostAsync("/ReleaseDueMessages", TimerInvocation("ReleaseDueMessages"));
        Assert.Equal(HttpStatusCode.OK, invoked.StatusCode);

        Assert.Equal(leased.MessageId, Assert.Single(await client.PeekAsync(queue, "ready")).MessageId);
        Assert.Empty(await client.PeekAsync(queue, "inFlight"));
    }

    /// <summary>What the Functions host posts for a timer trigger (custom handler invocation request).</summary>
    private static StringContent TimerInvocation(string function)
    {
        var now = DateTimeOffset.UtcNow;
        var payload = new JsonObject
        {
            ["Data"] = new JsonObject
            {
                ["timer"] = new JsonObject
                {
                    ["Schedule"] = new JsonObject { ["AdjustForDST"] = true },
                    ["ScheduleStatus"] = new JsonObject
                    {
                        ["Last"] = now.AddSeconds(-5).ToString("O"),
                        ["Next"] = now.AddSeconds(5).ToString("O"),
                        ["LastUpdated"] = now.AddSeconds(-5).ToString("O"),
                    },
                    ["IsPastDue"] = false,
                },
            },
            ["Metadata"] = new JsonObject
            {
                ["sys"] = new JsonObject
                {
                    ["MethodName"] = function,
                    ["UtcNow"] = now.ToString("O"),
                    ["RandGuid"] = Guid.NewGuid().ToString(),
                },
            },
        };
        return JsonContent(payload.ToJsonString());
    }

    private static StringContent JsonContent(string json)
    {
        var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }
}
