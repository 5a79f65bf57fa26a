using Azure.Data.Tables;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.DevHost.Local;
using Serverless.Testing;

namespace Serverless.IntegrationTests.DevHost.Local;

public sealed class LocalRegionsTests : IDisposable
{
    private readonly string _dataRoot = TestFolders.Create();

    public void Dispose() => TestFolders.DeleteQuietly(_dataRoot);

    [Fact]
    public void Local_regions_reuse_their_admin_key_across_starts()
    {
        var first = LocalRegions.LoadOrCreateAdminKey(_dataRoot);
        var second = LocalRegions.LoadOrCreateAdminKey(_dataRoot);

        Assert.Equal(first, second);
        Assert.Equal(43, first.Length); // 32 bytes in unpadded base64url
        Assert.Matches("^[A-Za-z0-9_-]+$", first);
        Assert.NotEqual(first, LocalRegions.LoadOrCreateAdminKey(Path.Combine(_dataRoot, "other")));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(
                UnixFileMode.UserRead | UnixFileMode.UserWrite,
                File.GetUnixFileMode(Path.Combine(_dataRoot, "admin-key")));
        }
    }

    [Fact]
    public async Task Local_regions_start_two_named_regions_and_remove_their_pid_file_on_stop()
    {
        var regions = await LocalRegions.StartAsync(_dataRoot, NullLogger.Instance);
        var pidFile = Path.Combine(_dataRoot, "azurite.pids");
        try
        {
            var configuration = regions.ToConfiguration();
            Assert.Equal("local-primary", configuration["Regions:Primary:Name"]);
            Assert.Equal("local-secondary", configuration["Regions:Secondary:Name"]);
            Assert.Equal(regions.Primary.ConnectionString, configuration["Regions:Primary:ConnectionString"]);
            Assert.Equal(regions.Secondary.ConnectionString, configuration["Regions:Secondary:ConnectionString"]);
            Assert.Equal(
                [regions.Primary.ProcessId.ToString(), regions.Secondary.ProcessId.ToString()],
                await File.ReadAllLinesAsync(pidFile));

            await new TableServiceClient(regions.Primary.ConnectionString).CreateTableIfNotExistsAsync("probe");
            Assert.True(Directory.Exists(Path.Combine(_dataRoot, "primary")));
            Assert.True(Directory.Exists(Path.Combine(_dataRoot, "secondary")));

            await regions.StopAsync();

            Assert.True(regions.Primary.HasExited);
            Assert.True(regions.Secondary.HasExited);
            Assert.False(File.Exists(pidFile));
        }
        finally
        {
            await regions.DisposeAsync();
        }
    }

    [Fact]
    public async Task Local_regions_stop_only_leftover_azurite_processes_of_their_own_data_root()
    {
        // A leftover of this data root, and an Azurite of another folder that must survive.
        await using var leftover = await AzuriteProcess.StartAsync(new AzuriteStartOptions { Location = Path.Combine(_dataRoot, "primary") });
        var elsewhere = TestFolders.Create();
        try
        {
            await using var bystander = await AzuriteProcess.StartAsync(new AzuriteStartOptions { Location = elsewhere });
            await File.WriteAllLinesAsync(
                Path.Combine(_dataRoot, "azurite.pids"),
                [leftover.ProcessId.ToString(), bystander.ProcessId.ToString(), Environment.ProcessId.ToString(), "not a pid"]);

            await using var regions = await LocalRegions.StartAsync(_dataRoot, NullLogger.Instance);

            Assert.True(leftover.HasExited);
            Assert.False(bystander.HasExited);
            Assert.Contains(leftover.Output, line => line.Contains("Table service successfully closed", StringComparison.Ordinal));
            Assert.Equal(
                [regions.Primary.ProcessId.ToString(), regions.Secondary.ProcessId.ToString()],
                await File.ReadAllLinesAsync(Path.Combine(_dataRoot, "azurite.pids")));
        }
        finally
        {
            TestFolders.DeleteQuietly(elsewhere);
        }
    }
}
