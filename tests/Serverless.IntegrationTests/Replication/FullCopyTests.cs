using System.Globalization;
using Azure.Data.Tables;
using Serverless.IntegrationTests.Messages;
using Serverless.Queues;
using Serverless.Storage.Tables;
using Serverless.Testing;

namespace Serverless.IntegrationTests.Replication;

/// <summary>The full copy runs while the service takes writes: what the secondary holds that the primary's index did
/// not show is removed only when it is old enough to have been in that index.</summary>
public sealed class FullCopyTests(AzuriteRegionsFixture regions) : IClassFixture<AzuriteRegionsFixture>
{
    [Fact]
    public async Task A_full_copy_removes_old_strays_from_the_secondary_and_keeps_messages_newer_than_its_read()
    {
        await using var engine = await EngineHost.StartAsync(regions);
        var queue = EngineCalls.NewQueueName("copied");
        await engine.DeclareAsync(queue);
        await engine.PublishBodiesAsync(queue, 3);
        var partitionKey = await ReplicaRows.PartitionKeyAsync(engine, queue);
        var secondary = new TableClient(regions.Secondary.ConnectionString, "Messages");
        var old = Sequence(DateTimeOffset.UtcNow.AddMinutes(-5));
        var recent = Sequence(DateTimeOffset.UtcNow.AddSeconds(1)); // as if applied by its own change after the copy read the primary
        foreach (var sequence in new[] { old, recent })
        {
            await secondary.AddEntityAsync(new TableEntity(partitionKey, "i:" + sequence) { ["Ver"] = 1L, ["Key"] = $"r:9:{sequence}", ["BodyRow"] = false });
            await secondary.AddEntityAsync(new TableEntity(partitionKey, $"r:9:{sequence}") { ["Seq"] = sequence, ["MessageId"] = sequence, ["Rank"] = 9 });
        }

        var definition = (await engine.Get<QueueDirectory>().FindQueueAsync(EngineCalls.Vhost, queue))!;
        await engine.Get<TableReplicaRepair>().CopyPartitionAsync(definition.Partitions.Single());

        var held = await ReplicaRows.Secondary(regions).IndexRowsAsync(partitionKey);
        Assert.DoesNotContain(held, r => r.GetString("Seq") == old);
        Assert.Contains(held, r => r.GetString("Seq") == recent);
        Assert.Equal(4, held.Count); // the three published, and the recent one
    }

    private static string Sequence(DateTimeOffset at) => at.UtcTicks.ToString("D19", CultureInfo.InvariantCulture) + "abcdef";
}
