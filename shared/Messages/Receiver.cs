using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Options;
using Serverless.Queues;
using Serverless.Storage;

namespace Serverless.Messages;

/// <summary>Receives messages with a lease (or, with auto-ack, removes them as it returns them). One receive costs
/// O(maxMessages) storage requests: a query for the first ready index rows (small messages ride in them), one
/// transaction that leases (or removes) the chosen ones, and a point read per message kept in a body row —
/// independent of queue depth and of how many messages are in flight, delayed or had their lease extended.</summary>
public sealed class Receiver(IMessageStore store, QueueDirectory directory, QueueSignals signals, MessageMover mover, QueueUsage usage, Failover.RegionRoles roles, Telemetry.ServiceMetrics metrics, TimeProvider time, IOptions<EngineOptions> options)
{
    private const int MaxLeaseAttempts = 6;
    private readonly ConcurrentDictionary<QueuePartition, int> activeReceivers = new();
    private readonly EngineOptions settings = options.Value;

    public async Task<ReceiveResponse> ReceiveAsync(string vhost, string queue, ReceiveRequest request, CancellationToken cancellationToken = default)
    {
        var maxMessages = request.MaxMessages ?? 1;
        var deadline = time.GetUtcNow().AddSeconds(request.WaitSeconds ?? 0);
        var autoAck = request.AckMode == AckMode.Auto;
        while (true)
        {
            var definition = await directory.GetQueueAsync(vhost, queue, cancellationToken);
            await usage.TouchAsync(definition, cancellationToken);
            var visibility = request.VisibilityTimeoutSeconds is int seconds ? TimeSpan.FromSeconds(seconds) : definition.Effective.VisibilityTimeout;
            var messages = await ReceiveOnceAsync(definition, maxMessages, visibility, autoAck, cancellationToken);
            metrics.Delivered(vhost, queue, messages.Count);
            var remaining = deadline - time.GetUtcNow();
            if (messages.Count > 0 || remaining <= TimeSpan.Zero) return new ReceiveResponse(messages);
            await signals.WaitAsync(vhost, queue, remaining < settings.LongPollInterval ? remaining : settings.LongPollInterval, cancellationToken);
        }
    }

    private async Task<List<ReceivedMessage>> ReceiveOnceAsync(QueueDefinition definition, int maxMessages, TimeSpan visibility, bool autoAck, CancellationToken cancellationToken)
    {
        var received = new List<ReceivedMessage>();
        var shards = definition.Shards;
        var start = shards == 1 ? 0 : Random.Shared.Next(shards);
        for (var i = 0; i < shards && received.Count < maxMessages; i++)
        {
            var partition = definition.Partition((start + i) % shards);
            activeReceivers.AddOrUpdate(partition, 1, (_, n) => n + 1);
            try
            {
                received.AddRange(await ReceiveFromPartitionAsync(definition, partition, maxMessages - received.Count, visibility, autoAck, cancellationToken));
            }
            finally
            {
                activeReceivers.AddOrUpdate(partition, 0, (_, n) => n - 1);
            }
        }
        return received;
    }

    private async Task<IReadOnlyList<ReceivedMessage>> ReceiveFromPartitionAsync(QueueDefinition definition, QueuePartition partition, int wanted, TimeSpan visibility, bool autoAck, CancellationToken cancellationToken)
    {
        var delivered = new List<ReceivedMessage>();
        var released = false;
        var contenders = activeReceivers.GetValueOrDefault(partition, 1);
        // Receivers that all take the first N ready rows collide; with company, pick at random among
        // the first 2 x N x receivers (DESIGN.md, lessons). Alone, take them in order.
        var window = Math.Min(1000, Math.Max(wanted + 4, 2 * wanted * contenders));
        List<IndexEntry> candidates = [];
        for (var attempt = 0; attempt < MaxLeaseAttempts && delivered.Count < wanted; attempt++)
        {
            if (candidates.Count == 0)
            {
                candidates = (await store.ListReadyAsync(partition, window, cancellationToken)).ToList();
                if (candidates.Count < wanted && !released)
                {
                    // Ended leases and due delayed messages are swept when ready ones run short, not on every receive.
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
            var picks = Pick(candidates, wanted - delivered.Count, inOrder: contenders <= 1 && attempt == 0);
            delivered.AddRange(autoAck
                ? await TakeAsync(partition, picks, cancellationToken)
                : await LeaseAsync(partition, picks, time.GetUtcNow() + visibility, cancellationToken));
            candidates = candidates.Except(picks).ToList();
        }
        return delivered;
    }

    private async Task<IReadOnlyList<ReceivedMessage>> LeaseAsync(QueuePartition partition, List<IndexEntry> picks, DateTimeOffset visibleUntil, CancellationToken cancellationToken)
    {
        var result = await store.LeaseAsync(partition, picks, visibleUntil, cancellationToken);
        // Small messages came with their ready row; the others are read from their body rows.
        var contents = await store.ContentsAsync(partition, result.Leased.Select(l => l.Entry).ToList(), cancellationToken);
        return result.Leased
            .Select((l, i) => (Lease: l, Content: contents[i]))
            .Where(pair => pair.Content is not null)
            .Select(pair => MayHaveBeenDelivered(Deliver(partition.Shard, pair.Lease, pair.Content!)))
            .ToList();
    }

    /// <summary>Auto-ack: the content of large messages is read before their rows go; the messages then leave the queue
    /// in one transaction, and only those this receiver removed are returned.</summary>
    private async Task<IReadOnlyList<ReceivedMessage>> TakeAsync(QueuePartition partition, List<IndexEntry> picks, CancellationToken cancellationToken)
    {
        var contents = (await store.ContentsAsync(partition, picks, cancellationToken)).Select((c, i) => (picks[i].Sequence, c)).ToDictionary(p => p.Sequence, p => p.c);
        var taken = await store.TakeAsync(partition, picks, cancellationToken);
        return taken
            .Select(e => (Entry: e, Content: contents.GetValueOrDefault(e.Sequence)))
            .Where(pair => pair.Content is not null)
            .Select(pair => Present(pair.Content!, pair.Entry with { DeliveryCount = pair.Entry.DeliveryCount + 1 }) with { State = null, VisibleUntil = null })
            .ToList();
    }

    /// <summary>Expired messages and those past the delivery limit are never delivered: they leave the
    /// queue here (dead-lettered or dropped), as RabbitMQ expires messages at the head of the queue.</summary>
    private async Task<List<IndexEntry>> RemoveUndeliverableAsync(QueueDefinition definition, QueuePartition partition, List<IndexEntry> candidates, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var queueTtl = definition.Effective.MessageTtlSeconds;
        // The expiry fixed at publish, or the queue's TTL as it is now (a policy may have lowered it since).
        bool Expired(IndexEntry e) => (e.ExpiresAt is { } expiresAt && expiresAt <= now) || (queueTtl is int ttl && e.EnqueuedAt.AddSeconds(ttl) <= now);
        bool Exhausted(IndexEntry e) => e.DeliveryCount >= definition.Effective.EffectiveDeliveryLimit;
        var expired = candidates.Where(Expired).ToList();
        var exhausted = candidates.Where(e => !Expired(e) && Exhausted(e)).ToList();
        if (expired.Count == 0 && exhausted.Count == 0) return candidates;
        if (expired.Count > 0) metrics.Expired(definition.Vhost, definition.Name, await store.RemoveAsync(partition, expired, MessageMover.DisposalFor(definition, Death.Expired), cancellationToken));
        if (exhausted.Count > 0) await store.RemoveAsync(partition, exhausted, MessageMover.DisposalFor(definition, Death.DeliveryLimit), cancellationToken);
        await mover.CompleteAsync(definition, partition, cancellationToken);
        return candidates.Except(expired).Except(exhausted).ToList();
    }

    /// <summary>Highest priority first, always: the best rank is taken whole before the next is looked at; within the
    /// rank being cut, a receiver with company picks at random (to avoid colliding with the others), alone in order.</summary>
    internal static List<IndexEntry> Pick(List<IndexEntry> candidates, int count, bool inOrder)
    {
        var picks = new List<IndexEntry>(count);
        foreach (var rank in candidates.OrderBy(e => e.Key, StringComparer.Ordinal).GroupBy(e => e.PriorityRank))
        {
            var needed = count - picks.Count;
            if (needed <= 0) break;
            var members = rank.ToArray();
            if (!inOrder && members.Length > needed) Random.Shared.Shuffle(members);
            picks.AddRange(members.Take(needed));
        }
        return picks.OrderBy(e => e.Key, StringComparer.Ordinal).ToList();
    }

    /// <summary>Leases are not replicated, so a region promoted since a message was enqueued cannot know whether the old
    /// primary delivered it: it says so (RabbitMQ's redelivered flag means "may have been delivered before").</summary>
    private ReceivedMessage MayHaveBeenDelivered(ReceivedMessage message) =>
        !message.Redelivered && roles.Record.PromotedAt is { } promoted && message.EnqueuedAt < promoted ? message with { Redelivered = true } : message;

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
