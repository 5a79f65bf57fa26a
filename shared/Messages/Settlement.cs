using Serverless.Errors;
using Serverless.Queues;
using Serverless.Storage;

namespace Serverless.Messages;

/// <summary>Ack, nack and extend by receipt. Each receipt is checked against the message's current
/// lease; a stale one changes nothing and is reported <see cref="ReceiptStatus.Stale"/>.</summary>
public sealed class Settlement(IMessageStore store, QueueDirectory directory, QueueSignals signals, MessageMover mover, Telemetry.ServiceMetrics metrics, TimeProvider time)
{
    public async Task<SettleResponse> AckAsync(string vhost, string queue, AckRequest request, CancellationToken cancellationToken = default)
    {
        var response = await SettleAsync(vhost, queue, request.Receipts!, (_, partition, tokens) => store.AckAsync(partition, tokens, cancellationToken), cancellationToken);
        metrics.Acked(vhost, queue, response.Results.Count(r => r.Status == ReceiptStatus.Acked));
        return response;
    }

    /// <summary>Requeue (after an optional delay) or, with <c>requeue: false</c>, remove the messages.</summary>
    public async Task<SettleResponse> NackAsync(string vhost, string queue, NackRequest request, CancellationToken cancellationToken = default)
    {
        var response = await SettleAsync(vhost, queue, request.Receipts!, async (definition, partition, tokens) =>
        {
            var now = time.GetUtcNow();
            DateTimeOffset? visibleAt = request.DelaySeconds is > 0 ? now.AddSeconds(request.DelaySeconds.Value) : null;
            var outcomes = request.Requeue == false
                ? await store.RemoveLeasedAsync(partition, tokens, MessageMover.DisposalFor(definition, Death.Rejected), cancellationToken)
                : await store.RequeueAsync(partition, tokens, new RequeueRules(now, visibleAt, definition.Effective.EffectiveDeliveryLimit,
                    MessageMover.DisposalFor(definition, Death.DeliveryLimit), MessageMover.DisposalFor(definition, Death.Expired)), cancellationToken);
            if (outcomes.Any(o => o.Status == SettleStatus.DeadLettered)) await mover.CompleteAsync(definition, partition, cancellationToken);
            return outcomes;
        }, cancellationToken);
        // A stale receipt changed nothing: only the messages this nack returned or removed count.
        metrics.Nacked(vhost, queue, response.Results.Count(r => r.Status != ReceiptStatus.Stale));
        signals.Notify(vhost, queue);
        return response;
    }

    /// <summary>Moves the end of each lease; the receipt stays the same.</summary>
    public Task<SettleResponse> ExtendAsync(string vhost, string queue, ExtendRequest request, CancellationToken cancellationToken = default) =>
        SettleAsync(vhost, queue, request.Receipts!, (definition, partition, tokens) =>
        {
            var timeout = request.VisibilityTimeoutSeconds is int seconds ? TimeSpan.FromSeconds(seconds) : definition.Effective.VisibilityTimeout;
            return store.ExtendAsync(partition, tokens, time.GetUtcNow() + timeout, cancellationToken);
        }, cancellationToken);

    private async Task<SettleResponse> SettleAsync(
        string vhost,
        string queue,
        IReadOnlyList<string> receipts,
        Func<QueueDefinition, QueuePartition, IReadOnlyList<LeaseToken>, Task<IReadOnlyList<SettleOutcome>>> settle,
        CancellationToken cancellationToken)
    {
        var definition = await directory.GetQueueAsync(vhost, queue, cancellationToken);
        var decoded = Decode(receipts, definition.Shards);
        var results = new ReceiptResult[receipts.Count];
        await Task.WhenAll(decoded.GroupBy(d => d.Shard).Select(async group =>
        {
            var items = group.ToList();
            var outcomes = await settle(definition, definition.Partition(group.Key), items.Select(i => i.Token).ToList());
            for (var i = 0; i < items.Count; i++)
            {
                results[items[i].Index] = new ReceiptResult(receipts[items[i].Index], ToStatus(outcomes[i].Status), outcomes[i].VisibleUntil);
            }
        }));
        return new SettleResponse(results);
    }

    private static List<(int Index, int Shard, LeaseToken Token)> Decode(IReadOnlyList<string> receipts, int shards)
    {
        var decoded = new List<(int, int, LeaseToken)>();
        var errors = new Dictionary<string, string[]>();
        for (var i = 0; i < receipts.Count; i++)
        {
            if (Receipt.TryDecode(receipts[i], out var shard, out var token) && shard < shards) decoded.Add((i, shard, token));
            else errors[$"receipts[{i}]"] = ["is not a receipt issued by this queue"];
        }
        if (errors.Count > 0) throw new InvalidRequestException(errors);
        return decoded;
    }

    private static ReceiptStatus ToStatus(SettleStatus status) => status switch
    {
        SettleStatus.Acked => ReceiptStatus.Acked,
        SettleStatus.Requeued => ReceiptStatus.Requeued,
        SettleStatus.Dropped => ReceiptStatus.Dropped,
        SettleStatus.DeadLettered => ReceiptStatus.DeadLettered,
        SettleStatus.Extended => ReceiptStatus.Extended,
        _ => ReceiptStatus.Stale,
    };
}
