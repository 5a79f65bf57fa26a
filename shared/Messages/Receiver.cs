using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Options;
using Serverless.Queues;
using Serverless.Storage;

namespace Serverless.Messages;

/// <summary>Receives messages with a lease. One receive costs O(maxMessages) storage requests: a query
/// for the first ready index rows, one transaction that moves the chosen ones to leased, and a point
/// read per message whose ready row does not carry it — independent of queue depth and of how many messages are in flight.</summary>
public sealed class Receiver(IMessageStore store, QueueDirectory directory, QueueSignals signals, MessageMover mover, QueueUsage usage, TimeProvider time, IOptions<EngineOptions> options)
{
    private const int MaxLeaseAttempts = 6;
    private readonly ConcurrentDictionary<QueuePartition, int> activeReceivers = new();
    private readonly EngineOptions settings = options.Value;

    public async Task<ReceiveResponse> ReceiveAsync(string vhost, string queue, ReceiveRequest request, CancellationToken cancellationToken = default)
    {
        var maxMessages = request.MaxMessages ?? 1;
        var deadline = time.GetUtcNow().AddSeconds(request.WaitSeconds ?? 0);
        while (true)
        {
            var definition = await directory.GetQueueAsync(vhost, queue, cancellationToken);
            await usage.TouchAsync(definition, cancellationToken);
            var visibility = request.VisibilityTimeoutSeconds is int seconds ? TimeSpan.FromSeconds(seconds) : definition.Effective.VisibilityTimeout;
            var messages = await ReceiveOnceAsync(definition, maxMessages, visibility, cancellationToken);
            var remaining = deadline - time.GetUtcNow();
            if (messages.Count > 0 || remaining <= TimeSpan.Zero) return new ReceiveResponse(messages);
            await signals.WaitAsync(vhost, queue, remaining < settings.LongPollInterval ? remaining : settings.LongPollInterval, cancellationToken);
        }
    }

    private async Task<List<ReceivedMessage>> ReceiveOnceAsync(QueueDefinition definition, int maxMessages, TimeSpan visibility, CancellationToken cancellationToken)
    {
        var received = new List<ReceivedMessage>();
        var shards = definition.Effective.EffectiveShards;
        var start = shards == 1 ? 0 : Random.Shared.Next(shards);
        for (var i = 0; i < shards && received.Count < maxMessages; i++)
        {
            var partition = definition.Partition((start + i) % shards);
            activeReceivers.AddOrUpdate(partition, 1, (_, n) => n + 1);
            try
            {
                received.AddRange(await ReceiveFromPartitionAsync(definition, partition, maxMessages - received.Count, visibility, cancellationToken));
            }
            finally
            {
                activeReceivers.AddOrUpdate(partition, 0, (_, n) => n - 1);
            }
        }
        return received;
    }

    private async Task<IReadOnlyList<ReceivedMessage>> ReceiveFromPartitionAsync(QueueDefinition definition, QueuePartition partition, int wanted, TimeSpan visibility, CancellationToken cancellationToken)
    {
        var leased = new List<LeasedEntry>();
        var released = false;
        var contenders = activeReceivers.GetValueOrDefault(partition, 1);
        // Receivers that all take the first N ready rows collide; with company, pick at random among
        // the first 2 x N x receivers (DESIGN.md, lessons). Alone, take them in order.
        var window = Math.Min(1000, Math.Max(wanted + 4, 2 * wanted * contenders));
        List<IndexEntry> candidates = [];
        for (var attempt = 0; attempt < MaxLeaseAttempts && leased.Count < wanted; attempt++)
        {
            if (candidates.Count == 0)
            {
                candidates = (await store.ListReadyAsync(partition, window, cancellationToken)).ToList();
                if (candidates.Count < wanted && !released)
                {
                    // Expired leases and due delayed messages are swept when ready ones run short, not on every receive.
                    released = true;
                    var sweep = await store.ReleaseDueAsync(partition, time.GetUtcNow(), definition.Effective.EffectiveDeliveryLimit, settings.ReleaseBatch,
                        MessageMover.DisposalFor(definition, Death.DeliveryLimit), cancellationToken);
                    if (sweep.Removed > 0) await mover.CompleteAsync(definition, partition, cancellationToken);
                    if (sweep.Released > 0) candidates = (await store.ListReadyAsync(partition, window, cancellationToken)).ToList();
                }
                var listed = candidates.Count;
                candidates = await RemoveUndeliverableAsync(definition, partition, candidates, cancellationToken);
                if (candidates.Count == 0 && listed == 0) break;
                if (candidates.Count == 0) continue; // all were undeliverable: look behind them
            }
            var picks = Pick(candidates, wanted - leased.Count, inOrder: contenders <= 1 && attempt == 0);
            var now = time.GetUtcNow();
            var result = await store.LeaseAsync(partition, picks, now + visibility, cancellationToken);
            leased.AddRange(result.Leased);
            candidates = candidates.Except(picks).ToList();
        }
        if (leased.Count == 0) return [];
        // Messages published small come with their ready row; the others (large, or back from a lease or a delay) are read.
        var unread = leased.Where(l => l.Entry.Content is null).ToList();
        var read = (await store.ReadAsync(partition, unread.Select(l => l.Token.Sequence).ToList(), cancellationToken))
            .Zip(unread, (content, lease) => (lease.Token, content)).ToDictionary(p => p.Token, p => p.content);
        return leased
            .Select(l => (Lease: l, Content: l.Entry.Content ?? read.GetValueOrDefault(l.Token)))
            .Where(pair => pair.Content is not null)
            .Select(pair => Deliver(partition.Shard, pair.Lease, pair.Content!))
            .ToList();
    }

    /// <summary>Expired messages and those past the delivery limit are never delivered: they leave the
    /// queue here (dead-lettered or dropped), as RabbitMQ expires messages at the head of the queue.</summary>
    private async Task<List<IndexEntry>> RemoveUndeliverableAsync(QueueDefinition definition, QueuePartition partition, List<IndexEntry> candidates, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var queueTtl = definition.Effective.MessageTtlSeconds;
        bool Expired(IndexEntry e) => (e.ExpiresAt is { } expiresAt && expiresAt <= now) || (queueTtl is int ttl && e.EnqueuedAt.AddSeconds(ttl) <= now);
        bool Exhausted(IndexEntry e) => e.DeliveryCount >= definition.Effective.EffectiveDeliveryLimit;
        var expired = candidates.Where(Expired).ToList();
        var exhausted = candidates.Where(e => !Expired(e) && Exhausted(e)).ToList();
        if (expired.Count == 0 && exhausted.Count == 0) return candidates;
        if (expired.Count > 0) await store.RemoveAsync(partition, expired, MessageMover.DisposalFor(definition, Death.Expired), cancellationToken);
        if (exhausted.Count > 0) await store.RemoveAsync(partition, exhausted, MessageMover.DisposalFor(definition, Death.DeliveryLimit), cancellationToken);
        await mover.CompleteAsync(definition, partition, cancellationToken);
        return candidates.Except(expired).Except(exhausted).ToList();
    }

    private static List<IndexEntry> Pick(List<IndexEntry> candidates, int count, bool inOrder)
    {
        if (inOrder || candidates.Count <= count) return candidates.Take(count).ToList();
        var shuffled = candidates.ToArray();
        Random.Shared.Shuffle(shuffled);
        return shuffled.Take(count).OrderBy(e => e.Key, StringComparer.Ordinal).ToList();
    }

    internal static ReceivedMessage Deliver(int shard, LeasedEntry leased, MessageContent content) =>
        Present(content, leased.Entry) with { Receipt = Receipt.Encode(shard, leased.Token), VisibleUntil = leased.VisibleUntil, State = null };

    internal static ReceivedMessage Present(MessageContent content, IndexEntry entry) => new()
    {
        MessageId = content.MessageId,
        Body = content.BodyEncoding == BodyEncoding.Base64 ? Convert.ToBase64String(content.Body) : Encoding.UTF8.GetString(content.Body),
        BodyEncoding = content.BodyEncoding,
        ContentType = content.ContentType,
        CorrelationId = content.CorrelationId,
        ReplyTo = content.ReplyTo,
        Headers = content.Headers,
        Priority = content.Priority,
        Exchange = content.Exchange,
        RoutingKey = content.RoutingKey,
        DeliveryCount = entry.DeliveryCount,
        Redelivered = entry.DeliveryCount > 1,
        Deaths = content.Deaths,
        EnqueuedAt = content.EnqueuedAt,
        VisibleUntil = entry.VisibleUntil,
        State = entry.State,
    };
}
