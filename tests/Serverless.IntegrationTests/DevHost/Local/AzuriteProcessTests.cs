using System.Diagnostics;
using Azure.Data.Tables;
using Serverless.DevHost.Local;
using Serverless.Testing;

namespace Serverless.IntegrationTests.DevHost.Local;

public sealed class AzuriteProcessTests : IDisposable
{
    private readonly string _folder = TestFolders.Create();

    public void Dispose() => TestFolders.DeleteQuietly(_folder);

    [Fact]
    public async Task Started_region_answers_table_requests_and_stops_on_SIGTERM()
    {
        var region = await AzuriteProcess.StartAsync(new AzuriteStartOptions { Location = Path.Combine(_folder, "region") });
        try
        {
            var tables = new TableServiceClient(region.ConnectionString);
            await tables.CreateTableIfNotExistsAsync("probe");
            var names = new List<string>();
            await foreach (var table in tables.QueryAsync())
            {
                names.Add(table.Name);
            }

            Assert.Contains("probe", names);

            await region.StopAsync();

            Assert.True(region.HasExited);
            Assert.Throws<ArgumentException>(() => Process.GetProcessById(region.ProcessId));
            Assert.False(await FreePort.IsOpenAsync(region.TablePort));
            Assert.False(await FreePort.IsOpenAsync(region.QueuePort));
            // Azurite logs its orderly shutdown only when it handled SIGTERM itself.
            Assert.Contains(region.Output, line => line.Contains("Table service successfully closed", StringComparison.Ordinal));
        }
        finally
        {
            await region.DisposeAsync();
        }
    }

    [Fact]
    public async Task Data_written_before_SIGTERM_is_there_after_a_restart_on_the_same_location()
    {
        var location = Path.Combine(_folder, "region");
        await using (var first = await AzuriteProcess.StartAsync(new AzuriteStartOptions { Location = location }))
        {
            var table = new TableServiceClient(first.ConnectionString).GetTableClient("kept");
            await table.CreateIfNotExistsAsync();
            await table.AddEntityAsync(new TableEntity("p", "r") { ["Value"] = "before restart" });
            await first.StopAsync();
        }

        await using var second = await AzuriteProcess.StartAsync(new AzuriteStartOptions { Location = location });
        var entity = await new TableServiceClient(second.ConnectionString).GetTableClient("kept").GetEntityAsync<TableEntity>("p", "r");

        Assert.Equal("before restart", entity.Value.GetString("Value"));
    }

    [Fact]
    public async Task Connection_string_names_all_three_endpoints_on_loopback()
    {
        await using var region = await AzuriteProcess.StartAsync(new AzuriteStartOptions { InMemory = true });

        Assert.Equal(3, new[] { region.BlobPort, region.QueuePort, region.TablePort }.Distinct().Count());
        Assert.Contains($"BlobEndpoint=http://127.0.0.1:{region.BlobPort}/devstoreaccount1;", region.ConnectionString);
        Assert.Contains($"QueueEndpoint=http://127.0.0.1:{region.QueuePort}/devstoreaccount1;", region.ConnectionString);
        Assert.Contains($"TableEndpoint=http://127.0.0.1:{region.TablePort}/devstoreaccount1;", region.ConnectionString);
        Assert.True(await FreePort.IsOpenAsync(region.BlobPort));
    }

    [Fact]
    public async Task In_memory_region_writes_nothing_to_its_location()
    {
        var location = Path.Combine(_folder, "unused");
        await using var region = await AzuriteProcess.StartAsync(new AzuriteStartOptions { InMemory = true, Location = location });

        await new TableServiceClient(region.ConnectionString).CreateTableIfNotExistsAsync("probe");

        Assert.False(Directory.Exists(location));
    }

    [Fact]
    public async Task Killed_region_is_gone_at_once_and_a_later_stop_does_nothing()
    {
        await using var region = await AzuriteProcess.StartAsync(new AzuriteStartOptions { InMemory = true });

        region.KillHard();

        Assert.True(region.HasExited);
        Assert.False(await FreePort.IsOpenAsync(region.TablePort));
        await region.StopAsync();
        Assert.DoesNotContain(region.Output, line => line.Contains("closing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Region_that_exits_before_it_is_ready_reports_its_output()
    {
        var missingScript = Path.Combine(_folder, "no-such-azurite.js");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => AzuriteProcess.StartAsync(new AzuriteStartOptions { InMemory = true, AzuriteScriptPath = missingScript }));

        Assert.Contains("no-such-azurite.js", error.Message);
    }

    [Fact]
    public void Locator_finds_the_Azurite_installed_at_the_repository_root()
    {
        var script = AzuriteLocator.FindScript();

        Assert.EndsWith(Path.Combine("node_modules", "azurite", "dist", "src", "azurite.js"), script);
        Assert.True(File.Exists(script));
    }
}
