using Serverless.DevHost.Functions;
using Serverless.DevHost.Http;

namespace Serverless.UnitTests.DevHost;

public sealed class FunctionAppTests
{
    private const string Metadata = """
        [
          { "name": "GetItem", "scriptFile": "app.dll", "entryPoint": "App.Functions.GetItem", "language": "dotnet-isolated",
            "bindings": [
              { "name": "req", "direction": "In", "type": "httpTrigger", "methods": ["get", "post"], "route": "items/{id:int}" },
              { "name": "$return", "type": "http", "direction": "Out" } ] },
          { "name": "Tick", "scriptFile": "app.dll", "entryPoint": "App.Functions.Tick",
            "bindings": [ { "name": "timer", "direction": "In", "type": "timerTrigger", "schedule": "*/5 * * * * *", "runOnStartup": true } ] },
          { "name": "OnMessage", "scriptFile": "app.dll", "entryPoint": "App.Functions.OnMessage",
            "bindings": [ { "name": "message", "direction": "In", "type": "queueTrigger", "dataType": "String", "queueName": "%QueueName%", "connection": "Storage" } ] },
          { "name": "Health", "scriptFile": "app.dll", "entryPoint": "App.Functions.Health",
            "bindings": [ { "name": "req", "direction": "In", "type": "httpTrigger", "methods": ["get"] } ] }
        ]
        """;

    [Fact]
    public void Functions_metadata_gives_each_function_its_trigger()
    {
        var functions = FunctionApp.ParseMetadata(Metadata);

        Assert.Equal(["GetItem", "Tick", "OnMessage", "Health"], functions.Select(f => f.Name));
        var http = functions[0];
        Assert.True(http.IsHttp);
        Assert.Equal(["GET", "POST"], http.Trigger.Methods);
        Assert.Equal("items/{id:int}", http.Trigger.Route);
        Assert.Equal("req", http.Trigger.Name);
        Assert.True(functions[1].IsTimer);
        Assert.Equal("*/5 * * * * *", functions[1].Trigger.Schedule);
        Assert.True(functions[1].Trigger.RunOnStartup);
        Assert.True(functions[2].IsQueue);
        Assert.Equal(("%QueueName%", "Storage", "String"), (functions[2].Trigger.QueueName, functions[2].Trigger.Connection, functions[2].Trigger.DataType));
    }

    [Theory]
    [InlineData("""{ "version": "2.0", "extensions": { "http": { "routePrefix": "api" } } }""", "api/items/{id:int}", "api/Health")]
    [InlineData("""{ "version": "2.0", "extensions": { "http": { "routePrefix": "" } } }""", "items/{id:int}", "Health")]
    [InlineData("""{ "version": "2.0" }""", "api/items/{id:int}", "api/Health")]
    [InlineData("""{ "version": "2.0", "extensions": { "http": { "routePrefix": "/v2/" } } }""", "v2/items/{id:int}", "v2/Health")]
    public void Route_is_the_prefix_of_host_json_and_the_route_or_the_function_name(string hostJson, string itemRoute, string healthRoute)
    {
        var functions = FunctionApp.ParseMetadata(Metadata);
        var host = HostJson.Parse(hostJson);
        var directory = Directory.CreateTempSubdirectory();
        try
        {
            File.WriteAllText(Path.Combine(directory.FullName, "functions.metadata"), Metadata);
            File.WriteAllText(Path.Combine(directory.FullName, "host.json"), hostJson);
            File.WriteAllText(Path.Combine(directory.FullName, "worker.config.json"), """{ "description": { "defaultExecutablePath": "dotnet", "defaultWorkerPath": "app.dll" } }""");
            var app = FunctionApp.Load(directory.FullName);

            Assert.Equal(host.RoutePrefix, app.Host.RoutePrefix);
            Assert.Equal(itemRoute, HttpFunctionRoutes.Template(app, app.Find("GetItem")!));
            Assert.Equal(healthRoute, HttpFunctionRoutes.Template(app, app.Find("health")!));
            Assert.Equal(functions.Count, app.Functions.Count);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Host_json_queue_settings_and_timeout_override_the_host_defaults()
    {
        var defaults = HostJson.Parse("""{ "version": "2.0" }""");
        var set = HostJson.Parse("""
            { "version": "2.0", "functionTimeout": "00:05:00",
              "extensions": { "queues": { "maxDequeueCount": 3, "messageEncoding": "none", "visibilityTimeout": "00:00:10", "maxPollingInterval": "00:00:02", "batchSize": 64 } } }
            """);

        Assert.Equal((TimeSpan.FromMinutes(30), 5, true, TimeSpan.Zero, TimeSpan.FromMinutes(1), 16),
            (defaults.FunctionTimeout, defaults.QueueMaxDequeueCount, defaults.QueueMessagesBase64, defaults.QueueVisibilityTimeout, defaults.QueueMaxPollingInterval, defaults.QueueBatchSize));
        Assert.Equal((TimeSpan.FromMinutes(5), 3, false, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(2), 32),
            (set.FunctionTimeout, set.QueueMaxDequeueCount, set.QueueMessagesBase64, set.QueueVisibilityTimeout, set.QueueMaxPollingInterval, set.QueueBatchSize));
    }

    [Theory]
    [InlineData("""[ { "name": "NoTrigger", "scriptFile": "a.dll", "entryPoint": "A.B", "bindings": [ { "name": "x", "type": "http", "direction": "Out" } ] } ]""")]
    [InlineData("""[ { "name": "Twice", "scriptFile": "a.dll", "entryPoint": "A.B", "bindings": [ { "name": "t", "type": "timerTrigger", "schedule": "* * * * * *" } ] }, { "name": "twice", "scriptFile": "a.dll", "entryPoint": "A.C", "bindings": [ { "name": "t", "type": "timerTrigger", "schedule": "* * * * * *" } ] } ]""")]
    [InlineData("""{ "name": "NotAnArray" }""")]
    public void Malformed_metadata_is_refused(string metadata)
    {
        Assert.Throws<FormatException>(() => FunctionApp.ParseMetadata(metadata));
    }
}
