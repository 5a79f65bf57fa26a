using System.Text;
using Serverless.Queues;
using Serverless.Routing;

namespace Serverless.Messages;

/// <summary>Publishes validated messages to a queue (the default exchange) or through an exchange. A message is
/// confirmed (<see cref="PublishStatus.Enqueued"/>) only once it is durable in the store; a batch that storage took
/// only in part is answered with <see cref="PublishInterruptedException"/>, naming what was stored.</summary>
public sealed class Publisher(QueueDirectory directory, VhostCatalogs catalogs, QueueUsage usage, MessageMover mover, Failover.RegionRoles roles, SequenceGenerator sequences, Access.RateLimits limits, Telemetry.ServiceMetrics metrics, TimeProvider time)
{
    public async Task<PublishResponse> PublishToQueueAsync(string vhost, string queue, IReadOnlyList<PublishMessage> messages, CancellationToken cancellationToken = default)
    {
        var definition = await directory.GetQueueAsync(vhost, queue, cancellationToken);
        await roles.Current.Throttle.EnsureWithinLagAsync(definition, cancellationToken);
        limits.AdmitPublish(vhost, queue, messages.Count);
        await usage.TouchAsync(definition, cancellationToken);
        var now = time.GetUtcNow();
        var prepared = messages.Select(m => Prepare(definition, m, m.MessageId ?? NewMessageId(), exchange: "", routingKey: m.RoutingKey ?? queue, now)).ToList();
        var outcome = await mover.AppendAsync(definition, prepared, cancellationToken);
        metrics.Published(vhost, queue, Enqueued(outcome));
        var response = new PublishResponse(prepared.Select((p, i) => outcome.Statuses[i] is { } status
            ? new PublishResult(p.Content.MessageId, status, status == PublishStatus.Rejected ? [] : [queue])
            : new PublishResult(p.Content.MessageId, PublishStatus.Failed, [])).ToList());
        if (outcome.Failure is { } failure) throw new PublishInterruptedException(response, failure);
        return response;
    }

    /// <summary>Publishes through an exchange: each message is routed (RabbitMQ semantics) and stored once per
    /// queue it reaches, each copy independent; it is confirmed only when every copy is durable.</summary>
    public async Task<PublishResponse> PublishToExchangeAsync(string vhost, string exchange, IReadOnlyList<PublishMessage> messages, CancellationToken cancellationToken = default)
    {
        await directory.EnsureVhostAsync(vhost, cancellationToken);
        var catalog = await catalogs.GetAsync(vhost, cancellationToken);
        if (catalog.FindExchange(exchange) is null) throw new Errors.NotFoundException("exchange", exchange);
        var now = time.GetUtcNow();
        var routes = new List<string>[messages.Count];
        // Flow control first: a throttled queue refuses the whole publish before any copy is stored.
        var perQueue = new Dictionary<string, List<int>>();
        for (var i = 0; i < messages.Count; i++)
        {
            routes[i] = [];
            foreach (var queue in Router.Route(catalog, exchange, messages[i].RoutingKey ?? "", messages[i].Headers))
            {
                if (await directory.FindQueueAsync(vhost, queue, cancellationToken) is not { } target) continue;
                if (!perQueue.ContainsKey(queue)) await roles.Current.Throttle.EnsureWithinLagAsync(target, cancellationToken);
                routes[i].Add(queue);
                (perQueue.TryGetValue(queue, out var list) ? list : perQueue[queue] = []).Add(i);
            }
        }
        foreach (var (queue, routed) in perQueue) limits.AdmitPublish(vhost, queue, routed.Count);
        // One message id per message across all its copies, so each queue's dedup window sees the same id.
        var ids = messages.Select(m => m.MessageId ?? NewMessageId()).ToArray();
        var statuses = messages.Select(_ => new Dictionary<string, PublishStatus?>()).ToArray();
        Errors.UnavailableException? failure = null;
        await Task.WhenAll(perQueue.Select(async pair =>
        {
            var definition = await directory.GetQueueAsync(vhost, pair.Key, cancellationToken);
            var prepared = pair.Value.Select(i => Prepare(definition, messages[i], ids[i], exchange, messages[i].RoutingKey ?? "", now)).ToList();
            var outcome = await mover.AppendAsync(definition, prepared, cancellationToken);
            metrics.Published(vhost, definition.Name, Enqueued(outcome));
            lock (statuses)
            {
                for (var j = 0; j < pair.Value.Count; j++) statuses[pair.Value[j]][pair.Key] = outcome.Statuses[j];
                failure ??= outcome.Failure;
            }
        }));
        var response = new PublishResponse(messages.Select((m, i) => new PublishResult(ids[i],
            routes[i].Count == 0 ? (m.Mandatory == true ? PublishStatus.Unroutable : PublishStatus.Dropped)
            : statuses[i].Values.Any(s => s is null) ? PublishStatus.Failed
            : statuses[i].Values.Any(s => s == PublishStatus.Rejected) ? PublishStatus.Rejected
            : statuses[i].Values.All(s => s == PublishStatus.Duplicate) ? PublishStatus.Duplicate : PublishStatus.Enqueued,
            routes[i].Where(q => statuses[i][q] is PublishStatus.Enqueued or PublishStatus.Duplicate).ToList())).ToList());
        if (failure is not null) throw new PublishInterruptedException(response, failure);
        return response;
    }

    internal static int RankOf(QueueDefinition queue, int priority) =>
        queue.Effective.MaxPriority is int max ? MessageRowsRank(Math.Min(Math.Max(0, priority), max)) : MessageRowsRank(0);

    /// <summary>The messages the queue now holds because of this publish (a batch stored in part counts what was stored).</summary>
    private static int Enqueued(QueueAppendOutcome outcome) => outcome.Statuses.Count(s => s == PublishStatus.Enqueued);

    private static string NewMessageId() => Guid.NewGuid().ToString("N");

    /// <summary>Only a message id the client chose takes a dedup row: a retry can only repeat an id the
    /// client knows, and one generated here is unique (a row for it would be one more write per message).
    /// The expiry is fixed here: the message's TTL or the queue's, whichever ends first.</summary>
    internal MessageToStore Prepare(QueueDefinition definition, PublishMessage message, string messageId, string exchange, string routingKey, DateTimeOffset now)
    {
        var arguments = definition.Effective;
        var body = message.BodyEncoding == BodyEncoding.Base64
            ? Convert.FromBase64String(message.Body ?? "")
            : Encoding.UTF8.GetBytes(message.Body ?? "");
        var priority = Math.Max(0, message.Priority ?? 0);
        var delay = message.DelaySeconds is int seconds ? TimeSpan.FromSeconds(seconds) : arguments.DefaultDelay;
        var content = new MessageContent
        {
            MessageId = messageId,
            Body = body,
            BodyEncoding = message.BodyEncoding ?? BodyEncoding.Utf8,
            ContentType = message.ContentType,
            CorrelationId = message.CorrelationId,
            ReplyTo = message.ReplyTo,
            Headers = message.Headers,
            Priority = priority,
            Exchange = exchange,
            RoutingKey = routingKey,
            EnqueuedAt = now,
        };
        DateTimeOffset? expiresAt = message.TtlSeconds is int ttl ? now.AddSeconds(ttl) : null;
        if (arguments.MessageTtlSeconds is int queueTtl && (expiresAt is null || now.AddSeconds(queueTtl) < expiresAt)) expiresAt = now.AddSeconds(queueTtl);
        return new MessageToStore(
            sequences.Next(),
            content,
            RankOf(definition, priority),
            ExpiresAt: expiresAt,
            VisibleAt: delay > TimeSpan.Zero ? now + delay : null,
            DeduplicateUntil: message.MessageId is not null && arguments.DeduplicationWindow > TimeSpan.Zero ? now + arguments.DeduplicationWindow : null);
    }

    /// <summary>Rank 0 is delivered first: rank = 9 - priority.</summary>
    private static int MessageRowsRank(int priority) => 9 - Math.Clamp(priority, 0, 9);
}
