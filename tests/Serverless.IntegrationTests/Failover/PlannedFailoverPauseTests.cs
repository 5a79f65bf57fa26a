using Azure.Core;
using Azure.Core.Pipeline;
using Serverless.Errors;
using Serverless.Failover;
using Serverless.Messages;
using Serverless.Queues;
using Serverless.Testing;

namespace Serverless.IntegrationTests.Failover;

/// <summary>A planned failover pauses writes; however it ends, the pause ends with it. Seen under load: the promotion's
/// one-second topology write to the new primary timed out, the failover answered 503, and every write was refused until
/// the pause ran out a minute later. Its own regions: a failover turns the pair round for every test that shares them.</summary>
public sealed class PlannedFailoverPauseTests(AzuriteRegionsFixture regions) : IClassFixture<AzuriteRegionsFixture>
{
    [Fact]
    public async Task A_promotion_the_new_primary_does_not_take_is_refused_and_writes_resume_at_once()
    {
        var topologyWrites = new TopologyWriteHang();
        await using var engine = await EngineHost.StartAsync(regions, settings: null, topologyWrites);
        var roles = engine.Get<RegionRoles>();
        var before = await roles.RefreshAsync();
        var target = before.Secondary == AzuriteRegionsFixture.SecondaryName ? regions.Secondary : regions.Primary;
        var queue = $"pause-{Guid.NewGuid():N}"[..20];
        await engine.Get<QueueService>().DeclareAsync("default", queue, QueueArguments.None);

        topologyWrites.HangWritesTo(target.TablePort);
        var refused = await Assert.ThrowsAsync<ConflictException>(() => engine.Get<FailoverService>().FailoverAsync(FailoverModes.Planned, "pause test"));
        topologyWrites.Stop();

        Assert.Contains("writes resumed", refused.Message, StringComparison.Ordinal);
        Assert.True(topologyWrites.Hung > 0, "no topology write to the new primary was held");
        var now = await roles.RefreshAsync();
        Assert.Equal(before.Primary, now.Primary);
        Assert.Equal(before.Epoch, now.Epoch);
        Assert.Null(now.WritesPausedUntil);
        var published = await engine.Get<Publisher>().PublishToQueueAsync("default", queue, [new PublishMessage { Body = "after the refused failover" }]);
        Assert.Equal(PublishStatus.Enqueued, published.Results.Single().Status);

        // Nothing is left running: the next planned failover goes through.
        var promoted = await engine.Get<FailoverService>().FailoverAsync(FailoverModes.Planned, "pause test, second try");
        Assert.Equal(before.Secondary, promoted.Primary);
    }

    [Fact]
    public async Task A_promotion_write_that_times_out_once_is_written_again_and_the_failover_completes()
    {
        var topologyWrites = new TopologyWriteHang();
        await using var engine = await EngineHost.StartAsync(regions, settings: null, topologyWrites);
        var before = await engine.Get<RegionRoles>().RefreshAsync();
        var target = before.Secondary == AzuriteRegionsFixture.SecondaryName ? regions.Secondary : regions.Primary;

        // The pause's copy in the new primary, then the promotion's first attempt.
        topologyWrites.HangWritesTo(target.TablePort, count: 2);
        var promoted = await engine.Get<FailoverService>().FailoverAsync(FailoverModes.Planned, "pause test, busy store");

        Assert.Equal(2, topologyWrites.Hung);
        Assert.Equal(before.Secondary, promoted.Primary);
        var now = await engine.Get<RegionRoles>().RefreshAsync();
        Assert.Equal(before.Epoch + 1, now.Epoch);
        Assert.Null(now.WritesPausedUntil);
    }

    /// <summary>Holds every write of a topology row to one table endpoint until the caller gives up (the store bounds
    /// each to a second), as a region too busy to answer in time.</summary>
    private sealed class TopologyWriteHang : HttpPipelinePolicy
    {
        private volatile int port;
        private int seen, hung, limit;

        /// <summary>Writes held since <see cref="HangWritesTo"/>.</summary>
        public int Hung => Volatile.Read(ref hung);

        /// <summary>Holds the next <paramref name="count"/> writes (all of them by default).</summary>
        public void HangWritesTo(int tablePort, int count = int.MaxValue)
        {
            (limit, seen, hung) = (count, 0, 0);
            port = tablePort;
        }

        public void Stop() => port = 0;

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            if (Holds(message.Request))
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, message.CancellationToken);
            }
            await ProcessNextAsync(message, pipeline);
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            if (Holds(message.Request))
            {
                message.CancellationToken.WaitHandle.WaitOne();
                message.CancellationToken.ThrowIfCancellationRequested();
            }
            ProcessNext(message, pipeline);
        }

        private bool Holds(Request request)
        {
            var isTopologyWrite = port != 0 && request.Uri.Port == port && request.Method != RequestMethod.Get
                && request.Uri.Path.Contains("/" + Serverless.Storage.Tables.TableTopologyStore.Table + "(", StringComparison.Ordinal);
            if (!isTopologyWrite || Interlocked.Increment(ref seen) > limit) return false;
            Interlocked.Increment(ref hung);
            return true;
        }
    }
}
