using System.Reflection;
using Serverless.Errors;
using Serverless.Messages;
using Serverless.Storage;

namespace Serverless.UnitTests.Messages;

public sealed class AppendBatcherTests
{
    private static readonly QueuePartition Shard = new("default", "orders", "i1", 0);

    [Fact]
    public async Task A_lone_append_goes_to_the_store_at_once_with_its_own_cancellation()
    {
        var store = AppendRecorder.Create();
        using var request = new CancellationTokenSource();
        var result = await new AppendBatcher(store).AppendAsync(Shard, [Message("a")], refuseOverflow: false, request.Token);

        Assert.Equal([AppendStatus.Enqueued], result.Statuses);
        var call = Assert.Single(Recorder(store).Calls);
        Assert.Equal(["a"], call.Ids);
        Assert.Equal(request.Token, call.Token);
    }

    [Fact]
    public async Task Appends_arriving_while_one_is_under_way_go_together_in_one_call_and_each_gets_its_own_statuses()
    {
        var (batcher, recorder, first) = await HoldFirstAppendAsync();
        var second = batcher.AppendAsync(Shard, [Message("b"), Message("c")], false);
        var third = batcher.AppendAsync(Shard, [Message("dup"), Message("d")], false);
        recorder.Release();

        Assert.Equal([AppendStatus.Enqueued], (await first).Statuses);
        Assert.Equal([AppendStatus.Enqueued, AppendStatus.Enqueued], (await second).Statuses);
        Assert.Equal([AppendStatus.Duplicate, AppendStatus.Enqueued], (await third).Statuses);
        Assert.Equal([["a"], ["b", "c", "dup", "d"]], recorder.Calls.Select(c => c.Ids).ToArray());
        Assert.Equal(CancellationToken.None, recorder.Calls[1].Token);
    }

    [Fact]
    public async Task Two_appends_of_the_same_deduplication_key_never_share_a_call()
    {
        var (batcher, recorder, first) = await HoldFirstAppendAsync();
        var second = batcher.AppendAsync(Shard, [Message("x")], false);
        var third = batcher.AppendAsync(Shard, [Message("x")], false);
        var fourth = batcher.AppendAsync(Shard, [Message("y")], false);
        recorder.Release();
        await Task.WhenAll(first, second, third, fourth);

        Assert.Equal([["a"], ["x", "y"], ["x"]], recorder.Calls.Select(c => c.Ids).ToArray());
    }

    [Fact]
    public async Task A_call_stored_in_part_tells_each_caller_which_of_its_messages_were_stored()
    {
        var (batcher, recorder, first) = await HoldFirstAppendAsync();
        recorder.InterruptAfter = 1; // the second call stores its first message only
        var second = batcher.AppendAsync(Shard, [Message("b")], false);
        var third = batcher.AppendAsync(Shard, [Message("c")], false);
        recorder.Release();
        await first;

        var secondFailure = await Assert.ThrowsAsync<AppendInterruptedException>(() => second);
        var thirdFailure = await Assert.ThrowsAsync<AppendInterruptedException>(() => third);
        Assert.Equal([AppendStatus.Enqueued], secondFailure.Statuses);
        Assert.Equal([(AppendStatus?)null], thirdFailure.Statuses);
    }

    [Fact]
    public async Task The_overage_of_a_shared_call_is_trimmed_once_by_the_first_caller()
    {
        var (batcher, recorder, first) = await HoldFirstAppendAsync();
        recorder.OverCount = 2;
        var second = batcher.AppendAsync(Shard, [Message("b")], false);
        var third = batcher.AppendAsync(Shard, [Message("c")], false);
        recorder.Release();
        await first;

        Assert.Equal(2, (await second).OverCount);
        Assert.Equal(0, (await third).OverCount);
    }

    /// <summary>A batcher whose first append ("a") is under way in the store, held there until the test releases it.</summary>
    private static async Task<(AppendBatcher Batcher, AppendRecorder Recorder, Task<AppendResult> First)> HoldFirstAppendAsync()
    {
        var store = AppendRecorder.Create();
        var recorder = Recorder(store);
        recorder.Hold = new TaskCompletionSource();
        var batcher = new AppendBatcher(store);
        var first = batcher.AppendAsync(Shard, [Message("a")], false);
        await recorder.Entered.Task;
        return (batcher, recorder, first);
    }

    private static MessageToStore Message(string id) => new(id, new MessageContent { MessageId = id, Body = [1], EnqueuedAt = DateTimeOffset.UnixEpoch }, 0, null, null, null)
    {
        DeduplicationKey = id == "dup" ? "a-seen-before" : id,
    };

    private static AppendRecorder Recorder(IMessageStore store) => (AppendRecorder)(object)store;

    /// <summary>A store that only appends: records each call, can hold the first one, answers "dup" as a duplicate.</summary>
    public class AppendRecorder : DispatchProxy
    {
        public List<(string[] Ids, CancellationToken Token)> Calls { get; } = [];
        public TaskCompletionSource? Hold { get; set; }
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int? InterruptAfter { get; set; }
        public long OverCount { get; set; }

        public static IMessageStore Create() => Create<IMessageStore, AppendRecorder>();

        /// <summary>Lets the held first call finish.</summary>
        public void Release() => Hold?.SetResult();

        protected override object? Invoke(MethodInfo? method, object?[]? args)
        {
            if (method?.Name != nameof(IMessageStore.AppendAsync)) throw new NotSupportedException(method?.Name);
            return AppendAsync((IReadOnlyList<MessageToStore>)args![1]!, (CancellationToken)args[3]!);
        }

        private async Task<AppendResult> AppendAsync(IReadOnlyList<MessageToStore> messages, CancellationToken token)
        {
            lock (Calls) Calls.Add((messages.Select(m => m.Content.MessageId).ToArray(), token));
            Entered.TrySetResult();
            if (Hold is { } hold && Calls.Count == 1) await hold.Task;
            var statuses = messages.Select(m => m.Content.MessageId == "dup" ? AppendStatus.Duplicate : AppendStatus.Enqueued).ToList();
            if (InterruptAfter is { } stored && Calls.Count > 1)
            {
                throw new AppendInterruptedException(statuses.Select((s, i) => i < stored ? (AppendStatus?)s : null).ToList(), new UnavailableException("down", TimeSpan.FromSeconds(1)));
            }
            return new AppendResult(statuses, Calls.Count > 1 ? OverCount : 0, 0);
        }
    }
}
