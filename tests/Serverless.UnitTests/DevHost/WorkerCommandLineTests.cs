using Serverless.DevHost.Functions;
using Serverless.DevHost.Worker;

namespace Serverless.UnitTests.DevHost;

public sealed class WorkerCommandLineTests : IDisposable
{
    private readonly DirectoryInfo _app = Directory.CreateTempSubdirectory();

    public WorkerCommandLineTests()
    {
        File.WriteAllText(Path.Combine(_app.FullName, "functions.metadata"), "[]");
        File.WriteAllText(Path.Combine(_app.FullName, "worker.config.json"),
            """{ "description": { "language": "dotnet-isolated", "defaultExecutablePath": "dotnet", "defaultWorkerPath": "App.dll", "workerIndexing": "true" } }""");
    }

    public void Dispose() => _app.Delete(recursive: true);

    [Fact]
    public void Worker_gets_the_hosts_switches_in_old_and_new_form_after_its_assembly()
    {
        var app = FunctionApp.Load(_app.FullName);

        var start = WorkerCommandLine.Create(app, new Uri("http://127.0.0.1:40123/"), "worker-1", "request-1", []);

        var arguments = start.ArgumentList.ToList();
        Assert.Equal(Path.Combine(_app.FullName, "App.dll"), arguments[0]);
        Assert.Equal(
            ["--host", "127.0.0.1", "--port", "40123", "--workerId", "worker-1", "--requestId", "request-1", "--grpcMaxMessageLength", "2147483647",
             "--functions-uri", "http://127.0.0.1:40123/", "--functions-worker-id", "worker-1", "--functions-request-id", "request-1",
             "--functions-grpc-max-message-length", "2147483647"],
            arguments.Skip(1));
        Assert.Equal(_app.FullName, start.WorkingDirectory);
    }

    [Fact]
    public void Worker_environment_has_the_functions_variables_and_the_app_settings_but_not_devhosts_own()
    {
        var app = FunctionApp.Load(_app.FullName);
        Dictionary<string, string?> settings = new()
        {
            ["Regions:Primary:ConnectionString"] = "UseDevelopmentStorage=true",
            ["Auth:AdminKey"] = "0123456789abcdef",
        };

        var start = WorkerCommandLine.Create(app, new Uri("http://127.0.0.1:40123/"), "w", "r", settings);
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:1";
        var again = WorkerCommandLine.Create(app, new Uri("http://127.0.0.1:40123/"), "w", "r", settings);

        var environment = start.Environment;
        Assert.Equal("dotnet-isolated", environment["FUNCTIONS_WORKER_RUNTIME"]);
        Assert.Equal(_app.FullName, environment["FUNCTIONS_APPLICATION_DIRECTORY"]);
        Assert.Equal(_app.FullName, environment["AzureWebJobsScriptRoot"]);
        Assert.Equal("UseDevelopmentStorage=true", environment["Regions__Primary__ConnectionString"]);
        Assert.Equal("0123456789abcdef", environment["Auth__AdminKey"]);
        Assert.False(again.Environment.ContainsKey("ASPNETCORE_URLS"));
    }
}
