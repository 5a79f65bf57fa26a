using Serverless.Storage;

namespace Serverless.Messages;

/// <summary>Group commit for appends to one shard: while an append to a shard is under way, the appends that arrive meanwhile
/// wait and then go together as one store call (one transaction for up to ~50 small messages) instead of one each. A
/// lone append goes at once, so nothing waits that would not have waited anyway; under concurrent single-message
/// publishes the store's work per message falls with the number of publishers. Each caller is answered with its own
/// messages' statuses, only once the transaction holding them committed (and, for a sync queue, reached the secondary).
/// <para>Two messages with the same deduplication key never share a call (one transaction cannot write the same dedup
/// row twice): the later one waits for the next call, where it is found a duplicate.</para></summary>
public sealed class AppendBatcher(IMessageStore store)
{
    /// <summary>A call carries at most this many messages: a larger publish goes straight to the store.</summary>
    public const int MaxMessages = 100;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<(QueuePartition, bool), Lane> lanes = new();

    public async Task<AppendResult> AppendAsync(QueuePartition partition, IReadOnlyList<MessageToStore> messages, bool refuseOverflow, CancellationToken cancellationToken = default)
    {
        if (messages.Count >= MaxMessages / 2) return await store.AppendAsync(partition, messages, refuseOverflow, cancellationToken);
        var lane = lanes.GetOrAdd((partition, refuseOverflow), _ => new Lane());
        var pending = new Pending(partition, messages, cancellationToken);
        bool lead;
        lock (lane)
        {
            lane.Waiting.Add(pending);
            lead = !lane.Busy;
            lane.Busy = true;
        }
        if (lead) _ = RunAsync(lane, refuseOverflow);
        return await pending.Completion.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Runs calls until nobody waits: each takes what gathered while the previous one ran.</summary>
    private async Task RunAsync(Lane lane, bool refuseOverflow)
    {
        while (true)
        {
            List<Pending> batch;
            lock (lane)
            {
                batch = Take(lane.Waiting);
                if (batch.Count == 0)
                {
                    lane.Busy = false;
                    return;
                }
            }
            await ExecuteAsync(batch, refuseOverflow);
        }
    }

    private static List<Pending> Take(List<Pending> waiting)
    {
        var taken = new List<Pending>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var count = 0;
        foreach (var pending in waiting)
        {
            if (count + pending.Messages.Count > MaxMessages) break;
            if (pending.Messages.Any(m => keys.Contains(m.DeduplicationKey))) continue; // next call
            foreach (var message in pending.Messages) keys.Add(message.DeduplicationKey);
            count += pending.Messages.Count;
            taken.Add(pending);
        }
        foreach (var pending in taken) waiting.Remove(pending);
        return taken;
    }

    private async Task ExecuteAsync(List<Pending> batch, bool refuseOverflow)
    {
        // A lone caller's call is its own (cancelled with its request); a shared one is nobody's to cancel: each caller
        // stops waiting when its own request ends, and the call finishes for the others.
        var token = batch.Count == 1 ? batch[0].CancellationToken : CancellationToken.None;
        var messages = batch.SelectMany(p => p.Messages).ToList();
        try
        {
            var result = await store.AppendAsync(batch[0].Partition, messages, refuseOverflow, token);
            var offset = 0;
            for (var i = 0; i < batch.Count; i++)
            {
                var count = batch[i].Messages.Count;
                // The shard's overage is trimmed once, by the first caller.
                batch[i].Completion.TrySetResult(new AppendResult(result.Statuses.Skip(offset).Take(count).ToList(), i == 0 ? result.OverCount : 0, i == 0 ? result.OverBytes : 0));
                offset += count;
            }
        }
        catch (AppendInterruptedException interrupted)
        {
            var offset = 0;
            foreach (var pending in batch)
            {
                var count = pending.Messages.Count;
                pending.Completion.TrySetException(new AppendInterruptedException(interrupted.Statuses.Skip(offset).Take(count).ToList(), interrupted.Cause));
                offset += count;
            }
        }
        catch (Exception failure)
        {
            foreach (var pending in batch) pending.Completion.TrySetException(failure);
        }
    }

    private sealed class Lane
    {
        public readonly List<Pending> Waiting = [];
        public bool Busy;
    }

    private sealed class Pending(QueuePartition partition, IReadOnlyList<MessageToStore> messages, CancellationToken cancellationToken)
    {
        public QueuePartition Partition { get; } = partition;
        public IReadOnlyList<MessageToStore> Messages { get; } = messages;
        public CancellationToken CancellationToken { get; } = cancellationToken;
        public TaskCompletionSource<AppendResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
