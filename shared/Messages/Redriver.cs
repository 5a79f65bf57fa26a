using Serverless.Errors;
using Serverless.Queues;
using Serverless.Storage;

namespace Serverless.Messages;

public sealed record RedriveRequest : Access.IAccessDemands
{
    public int? MaxMessages { get; init; }
    public string? Destination { get; init; }

    /// <summary>Moving messages into a named queue is publishing there.</summary>
    public IEnumerable<Access.AccessDemand> Demands(string vhost) =>
        Destination is { } destination ? [new(Access.Permission.Write, vhost, destination)] : [];
}

public sealed record RedriveResult(long Moved);

/// <summary>Moves dead-lettered messages of a (dead-letter) queue back to the queue they died in, or to a
/// named queue, as new messages (delivery count reset), through the same idempotent move as dead-lettering.</summary>
public sealed class Redriver(IMessageStore store, QueueDirectory directory, MessageMover mover, TimeProvider time, Microsoft.Extensions.Options.IOptions<EngineOptions> options)
{
    private const int PageSize = 1000;

    /// <summary>Moves up to <see cref="RedriveRequest.MaxMessages"/> dead letters of <paramref name="queue"/>.
    /// <paramref name="mayWriteTo"/> says whether the caller may publish to a queue the messages would return to;
    /// those it may not stay where they are, like those whose queue is gone (null: every queue).</summary>
    public async Task<RedriveResult> RedriveAsync(string vhost, string queue, RedriveRequest request, Func<string, bool>? mayWriteTo = null, CancellationToken cancellationToken = default)
    {
        var source = await directory.GetQueueAsync(vhost, queue, cancellationToken);
        if (request.Destination is { } named && await directory.FindQueueAsync(vhost, named, cancellationToken) is null)
            throw new NotFoundException("queue", named);
        var wanted = request.MaxMessages ?? 1000;
        long moved = 0;
        foreach (var partition in source.Partitions)
        {
            // A dead letter received and not acked is ready again once its lease ends: make it so before looking.
            var swept = await store.ReleaseDueAsync(partition, time.GetUtcNow(), source.Effective.EffectiveDeliveryLimit, options.Value.ReleaseBatch,
                MessageMover.DisposalFor(source, Death.DeliveryLimit), cancellationToken);
            if (swept.Removed > 0) await mover.CompleteAsync(source, partition, cancellationToken);
            var skipped = new HashSet<string>();
            while (moved < wanted)
            {
                var entries = (await store.ListReadyAsync(partition, PageSize, cancellationToken)).Where(e => !skipped.Contains(e.Sequence)).ToList();
                if (entries.Count == 0) break;
                entries = entries.Take((int)Math.Min(wanted - moved, entries.Count)).ToList();
                var contents = await store.ContentsAsync(partition, entries, cancellationToken);
                var progress = 0L;
                foreach (var group in entries.Zip(contents).GroupBy(p => request.Destination ?? p.Second?.Deaths.FirstOrDefault()?.Queue))
                {
                    if (group.Key is not { } target || target == queue || mayWriteTo?.Invoke(target) == false || await directory.FindQueueAsync(vhost, target, cancellationToken) is null)
                    {
                        // Not dead-lettered (no death to return to), its queue is gone, or the caller may not publish there: it stays here.
                        foreach (var (entry, _) in group) skipped.Add(entry.Sequence);
                        continue;
                    }
                    progress += await store.RemoveAsync(partition, group.Select(p => p.First).ToList(), new Disposal(DeadLetterReason: null, RedriveTo: target), cancellationToken);
                }
                await mover.CompleteAsync(source, partition, cancellationToken);
                moved += progress;
                if (progress == 0 && entries.All(e => skipped.Contains(e.Sequence)) is false) break;
            }
        }
        return new RedriveResult(moved);
    }
}
