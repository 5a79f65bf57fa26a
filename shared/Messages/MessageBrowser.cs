using Serverless.Queues;
using Serverless.Storage;

namespace Serverless.Messages;

public enum PeekState { Ready, InFlight, Delayed, DeadLettered }

public sealed record PeekRequest
{
    public PeekState? State { get; init; }
    public int? Limit { get; init; }
}

/// <summary>Peeks at messages without leasing them, for operators and the dashboard.</summary>
public sealed class MessageBrowser(IMessageStore store, QueueDirectory directory, TimeProvider time)
{
    public async Task<ReceiveResponse> PeekAsync(string vhost, string queue, PeekRequest request, CancellationToken cancellationToken = default)
    {
        var definition = await directory.GetQueueAsync(vhost, queue, cancellationToken);
        var limit = request.Limit ?? 20;
        var state = request.State ?? PeekState.Ready;
        if (state == PeekState.DeadLettered) return new ReceiveResponse(await PeekDeadLetteredAsync(definition, limit, cancellationToken));
        var indexState = state switch { PeekState.InFlight => IndexState.InFlight, PeekState.Delayed => IndexState.Delayed, _ => IndexState.Ready };
        var now = time.GetUtcNow();
        var perShard = await Task.WhenAll(definition.Partitions.Select(async partition =>
        {
            var entries = await store.ListAsync(partition, indexState, limit, now, cancellationToken);
            var contents = await store.ContentsAsync(partition, entries, cancellationToken);
            return entries.Zip(contents).Where(p => p.Second is not null).Select(p => (p.First, Message: Receiver.Present(p.Second!, p.First)));
        }));
        return new ReceiveResponse(perShard.SelectMany(s => s)
            .OrderBy(p => p.First.PriorityRank).ThenBy(p => p.First.Sequence, StringComparer.Ordinal)
            .Take(limit).Select(p => p.Message).ToList());
    }

    /// <summary>Messages of this queue that died elsewhere and were dead-lettered here.</summary>
    private async Task<IReadOnlyList<ReceivedMessage>> PeekDeadLetteredAsync(QueueDefinition definition, int limit, CancellationToken cancellationToken)
    {
        var ready = await PeekAsync(definition.Vhost, definition.Name, new PeekRequest { State = PeekState.Ready, Limit = limit }, cancellationToken);
        return ready.Messages.Where(m => m.Deaths.Count > 0).ToList();
    }
}
