using Azure.Core;
using Azure.Core.Pipeline;
using Serverless.Errors;
using Serverless.Failover;
using Serverless.Queues;
using Serverless.Replication;
using Serverless.Testing;
using Serverless.IntegrationTests.Messages;

namespace Serverless.IntegrationTests.Replication;

/// <summary>A shipper that was reading the primary's outbox when the secondary was promoted must not write what it read
/// into the new primary: those changes are the reconciler's to recover (and count), and applying them there would go
/// over what the new primary has done since.</summary>
public sealed class OrientationFenceTests(AzuriteRegionsFixture regions) : IClassFixture<AzuriteRegionsFixture>
{
    [Fact]
    public async Task A_shipper_whose_primary_is_demoted_while_it_reads_the_outbox_writes_nothing_to_the_promoted_region()
    {
        var outboxRead = new HeldRequest(message => message.Request.Method == RequestMethod.Get
            && Uri.UnescapeDataString(message.Request.Uri.ToString()) is var uri && uri.Contains("/Messages()", StringComparison.Ordinal)
            && uri.Contains("RowKey ge 'o:'", StringComparison.Ordinal) && uri.Contains("$top=1000", StringComparison.Ordinal));
        await using var engine = await EngineHost.StartAsync(regions, settings: null, outboxRead);
        var queue = EngineCalls.NewQueueName("fenced");
        await engine.DeclareAsync(queue, new QueueArguments { Replication = ReplicationMode.Async });
        var partition = await ReplicaRows.PartitionKeyAsync(engine, queue);
        await engine.PublishBodiesAsync(queue, 5);
        var roles = engine.Get<RegionRoles>();
        var before = await roles.RefreshAsync();

        outboxRead.Arm();
        var shipping = engine.Get<Replicator>().ShipAsync(partition);
        await outboxRead.Entered.WaitAsync(TimeSpan.FromSeconds(30));
        roles.Use(before with { Epoch = before.Epoch + 1, Primary = before.Secondary, Secondary = before.Primary });
        outboxRead.Release();

        var stopped = await Assert.ThrowsAsync<UnavailableException>(() => shipping);
        Assert.Contains("no longer the primary region", stopped.Message, StringComparison.Ordinal);
        Assert.Empty(await ReplicaRows.Secondary(regions).MessageIdsAsync(partition));

        // Promoted back, the same orientation ships again.
        roles.Use(before with { Epoch = before.Epoch + 2 });
        Assert.Equal(5, await engine.Get<Replicator>().ShipAsync(partition));
        Assert.Equal(5, (await ReplicaRows.Secondary(regions).MessageIdsAsync(partition)).Count);
    }

    /// <summary>Holds the first matching request after <see cref="Arm"/> until <see cref="Release"/> (or its cancellation),
    /// as a region that hangs holds a read.</summary>
    private sealed class HeldRequest(Func<HttpMessage, bool> matches) : HttpPipelinePolicy
    {
        private readonly TaskCompletionSource entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int armed;

        public Task Entered => entered.Task;

        public void Arm() => Volatile.Write(ref armed, 1);

        public void Release() => released.TrySetResult();

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            if (matches(message) && Interlocked.Exchange(ref armed, 0) == 1)
            {
                entered.TrySetResult();
                await released.Task;
            }
            await ProcessNextAsync(message, pipeline);
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            throw new NotSupportedException("The engine calls storage asynchronously.");
    }
}
