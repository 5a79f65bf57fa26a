using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using Serverless.Testing;

namespace Serverless.IntegrationTests.DevHost;

/// <summary>devhost reports a start-up failure on one line and exits non-zero, without a stack trace.</summary>
public sealed class StartupFailureTests : IDisposable
{
    private readonly string _dataRoot = TestFolders.Create("serverless-devhost");

    public void Dispose() => TestFolders.DeleteQuietly(_dataRoot);

    [Fact]
    public async Task Port_in_use_is_one_line_and_a_non_zero_exit()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var (exitCode, output) = await RunDevHostAsync("--urls", $"http://127.0.0.1:{port}");

        Assert.NotEqual(0, exitCode);
        var lines = output.Where(l => l.Length > 0).ToList();
        Assert.Single(lines, l => l.Contains("already in use", StringComparison.Ordinal) && l.Contains($":{port}", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal) || l.Contains("Exception", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_app_folder_without_functions_metadata_is_one_line_and_a_non_zero_exit()
    {
        var (exitCode, output) = await RunDevHostAsync("--app", _dataRoot);

        Assert.NotEqual(0, exitCode);
        var line = Assert.Single(output, l => l.Length > 0);
        Assert.StartsWith("devhost: ", line, StringComparison.Ordinal);
        Assert.Contains("worker.config.json", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_app_whose_worker_cannot_start_stops_devhost_with_one_line_of_its_own_and_a_non_zero_exit()
    {
        // Only the primary region is configured: the app's options validation refuses to start.
        var (exitCode, output) = await RunDevHostAsync("--urls", $"http://127.0.0.1:{Serverless.DevHost.Local.FreePort.Next()}");

        Assert.NotEqual(0, exitCode);
        // Issue 9, item 8: the refusal is one line naming the configuration key, printed once, with no stack trace.
        var refusals = output.Where(l => l.Contains("Regions:Secondary", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(refusals);
        Assert.Equal(refusals.Distinct().Count(), refusals.Count);
        Assert.DoesNotContain(output, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal) || l.Contains("Unhandled exception", StringComparison.Ordinal));
        var devhost = Assert.Single(output, l => l.StartsWith("devhost: ", StringComparison.Ordinal) && l.Contains("failed to start", StringComparison.Ordinal));
        Assert.Equal(output.Last(l => l.Length > 0), devhost);
    }

    [Fact]
    public async Task A_bad_engine_setting_is_refused_naming_its_configuration_key()
    {
        var (exitCode, output) = await RunDevHostAsync("--urls", $"http://127.0.0.1:{Serverless.DevHost.Local.FreePort.Next()}",
            "--Regions:Secondary:Name=unused-too", "--Regions:Secondary:ConnectionString=UseDevelopmentStorage=true", "--Auth:AdminKey=short");

        Assert.NotEqual(0, exitCode);
        Assert.Single(output, l => l.Contains("Auth:AdminKey must be at least 16 characters", StringComparison.Ordinal));
        Assert.DoesNotContain(output, l => l.Contains("AuthOptions", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_bad_event_grid_endpoint_is_refused_naming_its_configuration_key_and_not_the_topic_key()
    {
        const string topicKey = "do-not-print-this-topic-key";
        var (exitCode, output) = await RunDevHostAsync("--urls", $"http://127.0.0.1:{Serverless.DevHost.Local.FreePort.Next()}",
            "--Regions:Secondary:Name=unused-too", "--Regions:Secondary:ConnectionString=UseDevelopmentStorage=true", "--Auth:AdminKey=a-long-enough-admin-key",
            "--EventGrid:TopicEndpoint=topic.westeurope-1.eventgrid.azure.net/api/events", $"--EventGrid:TopicKey={topicKey}");

        Assert.NotEqual(0, exitCode);
        Assert.Single(output, l => l.Contains("EventGrid:TopicEndpoint must be an absolute http(s) URI", StringComparison.Ordinal));
        Assert.DoesNotContain(output, l => l.Contains(topicKey, StringComparison.Ordinal));
    }

    private async Task<(int ExitCode, IReadOnlyList<string> Output)> RunDevHostAsync(params string[] arguments)
    {
        var devHost = typeof(ServiceProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "Serverless.Testing.DevHostPath").Value!;
        var startInfo = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(devHost);
        foreach (var argument in arguments) startInfo.ArgumentList.Add(argument);
        startInfo.ArgumentList.Add($"--DevHost:DataRoot={_dataRoot}");

        // Regions are configured, so no Azurite starts; nothing connects to them before the failure.
        startInfo.Environment["Regions__Primary__Name"] = "unused";
        startInfo.Environment["Regions__Primary__ConnectionString"] = "UseDevelopmentStorage=true";
        startInfo.Environment["Auth__AdminKey"] = "startup-failure-test-key";
        using var process = Process.Start(startInfo)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        var output = (await stdout + await stderr).Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        return (process.ExitCode, output);
    }
}
