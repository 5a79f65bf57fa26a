using System.IO.Hashing;
using System.Text;
using Serverless.Queues;
using Serverless.Routing;
using Serverless.Storage;

namespace Serverless.Messages;

/// <summary>Publishes validated messages into a queue through the default exchange. A message is
/// confirmed (<see cref="PublishStatus.Enqueued"/>) only once it is durable in the store.</summary>
public sealed class Publisher(IMessageStore store, QueueDirectory directory, VhostCatalogs catalogs, QueueUsage usage, LengthLimits limits, SequenceGenerator sequences, QueueSignals signals, TimeProvider time)
{
    public async Task<PublishResponse> PublishToQueueAsync(string vhost, string queue, IReadOnlyList<PublishMessage> messages, CancellationToken cancellationToken = default)
    {
        var definition = await directory.GetQueueAsync(vhost, queue, cancellationToken);
        await usage.TouchAsync(definition, cancellationToken);
        var now = time.GetUtcNow();
        var prepared = messages.Select(m => Prepare(definition, m, m.MessageId ?? NewMessageId(), exchange: "", routingKey: m.RoutingKey ?? queue, now)).ToList();
        var statuses = await AppendAsync(definition, prepared, cancellationToken);
        signals.Notify(vhost, queue);
        return new PublishResponse(prepared.Select((p, i) => new PublishResult(p.Content.MessageId, statuses[i], statuses[i] == PublishStatus.Rejected ? [] : [queue])).ToList());
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
        var perQueue = new Dictionary<string, List<int>>();
        for (var i = 0; i < messages.Count; i++)
        {
            routes[i] = [];
            foreach (var queue in Router.Route(catalog, exchange, messages[i].RoutingKey ?? "", messages[i].Headers))
            {
                if (await directory.FindQueueAsync(vhost, queue, cancellationToken) is null) continue;
                routes[i].Add(queue);
                (perQueue.TryGetValue(queue, out var list) ? list : perQueue[queue] = []).Add(i);
            }
        }
        // One message id per message across all its copies, so each queue's dedup window sees the same id.
        var ids = messages.Select(m => m.MessageId ?? NewMessageId()).ToArray();
        var statuses = messages.Select(_ => new Dictionary<string, PublishStatus>()).ToArray();
        await Task.WhenAll(perQueue.Select(async pair =>
        {
            var definition = await directory.GetQueueAsync(vhost, pair.Key, cancellationToken);
            var prepared = pair.Value.Select(i => Prepare(definition, messages[i], ids[i], exchange, messages[i].RoutingKey ?? "", now)).ToList();
            var appended = await AppendAsync(definition, prepared, cancellationToken);
            lock (statuses)
            {
                for (var j = 0; j < pair.Value.Count; j++) statuses[pair.Value[j]][pair.Key] = appended[j];
            }
            signals.Notify(vhost, pair.Key);
        }));
        return new PublishResponse(messages.Select((m, i) => new PublishResult(ids[i],
            routes[i].Count == 0 ? (m.Mandatory == true ? PublishStatus.Unroutable : PublishStatus.Dropped)
            : statuses[i].Values.Any(s => s == PublishStatus.Rejected) ? PublishStatus.Rejected
            : statuses[i].Values.All(s => s == PublishStatus.Duplicate) ? PublishStatus.Duplicate : PublishStatus.Enqueued,
            routes[i].Where(q => statuses[i][q] != PublishStatus.Rejected).ToList())).ToList());
    }

    /// <summary>Stores messages into the queue's shards (a message's shard follows its id, so the dedup
    /// window holds across shards); returns each message's status in input order.</summary>
    internal async Task<PublishStatus[]> AppendAsync(QueueDefinition definition, IReadOnlyList<MessageToStore> messages, CancellationToken cancellationToken)
    {
        var statuses = new PublishStatus[messages.Count];
        var seen = new HashSet<string>();
        var byShard = new Dictionary<int, List<int>>();
        var deduplicate = definition.Effective.DeduplicationWindow > TimeSpan.Zero;
        for (var i = 0; i < messages.Count; i++)
        {
            if (deduplicate && !seen.Add(messages[i].DeduplicationKey))
            {
                statuses[i] = PublishStatus.Duplicate;
                continue;
            }
            var shard = ShardOf(messages[i].DeduplicationKey, definition.Effective.EffectiveShards);
            (byShard.TryGetValue(shard, out var list) ? list : byShard[shard] = []).Add(i);
        }
        await Task.WhenAll(byShard.Select(async pair =>
        {
            var partition = definition.Partition(pair.Key);
            var batch = pair.Value.Select(i => messages[i]).ToList();
            var admitted = await limits.AdmitAsync(definition, partition, batch, cancellationToken);
            var toAppend = pair.Value.Where((_, j) => admitted[j]).ToList();
            var appended = await store.AppendAsync(partition, toAppend.Select(i => messages[i]).ToList(), cancellationToken);
            for (int j = 0, k = 0; j < pair.Value.Count; j++)
            {
                statuses[pair.Value[j]] = !admitted[j] ? PublishStatus.Rejected
                    : appended[k++] == AppendStatus.Duplicate ? PublishStatus.Duplicate : PublishStatus.Enqueued;
            }
            await limits.DropHeadAsync(definition, partition, cancellationToken);
        }));
        return statuses;
    }

    internal static int RankOf(QueueDefinition queue, int priority) =>
        queue.Effective.MaxPriority is int max ? MessageRowsRank(Math.Min(Math.Max(0, priority), max)) : MessageRowsRank(0);

    private static string NewMessageId() => Guid.NewGuid().ToString("N");

    /// <summary>Only a message id the client chose takes a dedup row: a retry can only repeat an id the
    /// client knows, and one generated here is unique (a row for it would be a third write per message).</summary>
    internal MessageToStore Prepare(QueueDefinition definition, PublishMessage message, string messageId, string exchange, string routingKey, DateTimeOffset now)
    {
        var arguments = definition.Effective;
        var body = message.BodyEncoding == BodyEncoding.Base64
            ? Convert.FromBase64String(message.Body ?? "")
            : Encoding.UTF8.GetBytes(message.Body ?? "");
        var priority = Math.Max(0, message.Priority ?? 0);
        var rank = RankOf(definition, priority);
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
        return new MessageToStore(
            sequences.Next(),
            content,
            rank,
            ExpiresAt: message.TtlSeconds is int ttl ? now.AddSeconds(ttl) : null,
            VisibleAt: delay > TimeSpan.Zero ? now + delay : null,
            DeduplicateUntil: message.MessageId is not null && arguments.DeduplicationWindow > TimeSpan.Zero ? now + arguments.DeduplicationWindow : null);
    }

    /// <summary>Rank 0 is delivered first: rank = 9 - priority.</summary>
    private static int MessageRowsRank(int priority) => 9 - Math.Clamp(priority, 0, 9);

    internal static int ShardOf(string messageId, int shards) =>
        shards <= 1 ? 0 : (int)(XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(messageId)) % (uint)shards);
}
