using Serverless.Errors;
using Serverless.Replication;

namespace Serverless.UnitTests.Replication;

public sealed class OrientationFenceTests
{
    [Fact]
    public async Task Work_under_way_is_stopped_and_answered_unavailable_when_another_region_is_promoted()
    {
        var fence = new OrientationFence("region-a");
        var started = new TaskCompletionSource();
        var work = fence.RunAsync(async token =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, token);
        }, CancellationToken.None);
        await started.Task;

        fence.Follow("region-b");

        var stopped = await Assert.ThrowsAsync<UnavailableException>(() => work);
        Assert.Contains("region-a is no longer the primary region", stopped.Message, StringComparison.Ordinal);
        Assert.True(fence.Retired);
    }

    [Fact]
    public async Task A_retired_orientation_starts_nothing_until_its_primary_is_promoted_back()
    {
        var fence = new OrientationFence("region-a");
        fence.Follow("region-b");
        var ran = 0;

        await Assert.ThrowsAsync<UnavailableException>(() => fence.RunAsync(_ => Task.FromResult(++ran), CancellationToken.None));
        Assert.Equal(0, ran);

        fence.Follow("region-a");
        Assert.Equal(1, await fence.RunAsync(_ => Task.FromResult(++ran), CancellationToken.None));
        Assert.False(fence.Retired);
    }

    [Fact]
    public async Task Following_its_own_primary_again_leaves_work_under_way_running()
    {
        var fence = new OrientationFence("region-a");
        var release = new TaskCompletionSource<int>();
        var work = fence.RunAsync(token => release.Task.WaitAsync(token), CancellationToken.None);

        fence.Follow("region-a");
        release.SetResult(7);

        Assert.Equal(7, await work);
    }

    [Fact]
    public async Task The_callers_own_cancellation_stays_a_cancellation()
    {
        var fence = new OrientationFence("region-a");
        using var caller = new CancellationTokenSource();
        var work = fence.RunAsync(token => Task.Delay(Timeout.Infinite, token), caller.Token);

        await caller.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => work);
        Assert.False(fence.Retired);
    }
}
