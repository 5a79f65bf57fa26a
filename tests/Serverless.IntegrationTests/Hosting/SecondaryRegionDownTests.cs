using System.Diagnostics;
using Azure.Data.Tables;
using Serverless.DevHost.Local;
using Serverless.Messages;
using Serverless.Queues;
using Serverless.Storage;
using Serverless.Testing;

namespace Serverless.IntegrationTests.Hosting;

/// <summary>issue 8, item 17: the service starts on the primary while the secondary region is down, and
/// creates the secondary's tables in the background once it answers.</summary>
public sealed class SecondaryRegionDownTests(AzuriteRegionsFixture regions) : IClassFixture<AzuriteRegionsFixture>
{
    [Fact]
    public async Task Engine_starts_on_the_primary_while_the_secondary_is_down_and_creates_its_tables_when_it_answers()
    {
        // The secondary's table endpoint is a port nobody listens on, until the forwarder opens it.
        var downPort = FreePort.Next();
        var secondaryDown = regions.Secondary.ConnectionString.Replace($":{regions.Secondary.TablePort}/", $":{downPort}/", StringComparison.Ordinal);
        var started = Stopwatch.StartNew();
        await using var engine = await EngineHost.StartAsync(regions, [new("Regions:Secondary:ConnectionString", secondaryDown)]);
        started.Stop();

        Assert.True(started.Elapsed < TimeSpan.FromSeconds(20), $"start took {started.Elapsed}");
        await engine.Get<QueueService>().DeclareAsync("default", "while-secondary-down", QueueArguments.None);
        var published = await engine.Get<Publisher>().PublishToQueueAsync("default", "while-secondary-down", [new PublishMessage { Body = "on the primary" }]);
        Assert.Equal(PublishStatus.Enqueued, published.Results.Single().Status);

        var secondary = new TableServiceClient(regions.Secondary.ConnectionString);
        Assert.Empty(await TableNamesAsync(secondary));

        await using var up = TcpForwarder.Start(downPort, regions.Secondary.TablePort);
        var deadline = Stopwatch.StartNew();
        while (!StorageRegion.TableNames.All((await TableNamesAsync(secondary)).Contains))
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(45), "the secondary's tables were not created after it came up");
            await Task.Delay(250);
        }
    }

    private static async Task<List<string>> TableNamesAsync(TableServiceClient tables)
    {
        var names = new List<string>();
        await foreach (var table in tables.QueryAsync()) names.Add(table.Name);
        return names;
    }
}
