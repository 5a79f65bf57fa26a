using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Serverless.Json;
using Serverless.Messages;

namespace Serverless.Storage.Tables;

/// <summary>Row layout of one queue shard (partition <c>{vhost}|{queue}|{shard}</c>):
/// <c>m:{seq}</c> the message; <c>r:{rank}:{seq}</c> ready index, rank 0 = highest priority;
/// <c>v:{dueTicks}:{seq}:{leaseId}</c> invisible index (leased, or delayed with an empty lease id);
/// <c>d:{messageId}</c> dedup window. Index rows carry the counters receive needs; the message row
/// is written once and deleted once. The ready row written at publish also carries a copy of a small
/// message (<see cref="InlineContentMaxBytes"/>), so receive delivers it from the ready query alone; rows
/// written later (released, requeued, delayed) do not, and receive reads those messages' rows.</summary>
internal static class MessageRows
{
    public const int MaxRank = 9;
    private const int BodyChunk = 64 * 1024;

    /// <summary>Largest message (body, headers and deaths) copied into its ready row. Every receive's ready
    /// query returns up to 2 × maxMessages × receivers rows, so each inlined byte is read by several receives;
    /// 4 KiB keeps that query small while covering the usual JSON message of a web app.</summary>
    public const int InlineContentMaxBytes = 4 * 1024;

    public static string PartitionKey(QueuePartition partition) =>
        $"{partition.Vhost}|{partition.Queue}|{partition.Shard.ToString("D2", CultureInfo.InvariantCulture)}";

    public static string MessageKey(string sequence) => "m:" + sequence;
    public static string ReadyKey(int rank, string sequence) => $"r:{rank}:{sequence}";
    public static string InvisibleKey(long dueTicks, string sequence, string leaseId) =>
        $"v:{dueTicks.ToString("D19", CultureInfo.InvariantCulture)}:{sequence}:{leaseId}";
    public static string InvisibleKey(LeaseToken token) => InvisibleKey(token.DueTicks, token.Sequence, token.LeaseId);
    public static string DedupKey(string messageId) => "d:" + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(messageId));
    public static string MoveKey(string sequence) => "x:" + sequence;

    public const string ReadyFrom = "r:", ReadyTo = "r;", InvisibleFrom = "v:", InvisibleTo = "v;", DedupFrom = "d:", DedupTo = "d;", MoveFrom = "x:", MoveTo = "x;";
    public static string InvisibleDueBefore(DateTimeOffset now) => InvisibleKey(now.UtcTicks, "", "");

    public static readonly string[] IndexColumns =
        ["RowKey", "Seq", "MessageId", "Rank", "DeliveryCount", "EnqueuedAt", "ExpiresAt", "Size", "LeaseId", "VisibleUntil", "ExpiredLeaseId"];

    public static readonly string[] MoveColumns = [.. IndexColumns, "Reason", "RedriveTo"];

    private static readonly string[] ContentColumns =
        ["BodyEncoding", "BodyLength", "Priority", "Exchange", "RoutingKey", "ContentType", "CorrelationId", "ReplyTo", "Headers", "Deaths", "Body0"];

    /// <summary>What the receive query reads: the index and, where the row carries it, the message.</summary>
    public static readonly string[] ReadyColumns = [.. IndexColumns, .. ContentColumns];

    public static string RangeFilter(QueuePartition partition, string from, string to) =>
        TableClient.CreateQueryFilter($"PartitionKey eq {PartitionKey(partition)} and RowKey ge {from} and RowKey lt {to}");

    public static TableEntity Message(QueuePartition partition, string sequence, MessageContent content)
    {
        var entity = new TableEntity(PartitionKey(partition), MessageKey(sequence))
        {
            ["MessageId"] = content.MessageId,
            ["BodyEncoding"] = content.BodyEncoding.ToString(),
            ["BodyLength"] = content.Body.Length,
            ["Priority"] = content.Priority,
            ["Exchange"] = content.Exchange,
            ["RoutingKey"] = content.RoutingKey,
            ["EnqueuedAt"] = content.EnqueuedAt.UtcTicks,
        };
        if (content.ContentType is not null) entity["ContentType"] = content.ContentType;
        if (content.CorrelationId is not null) entity["CorrelationId"] = content.CorrelationId;
        if (content.ReplyTo is not null) entity["ReplyTo"] = content.ReplyTo;
        if (content.Headers is { Count: > 0 }) entity["Headers"] = JsonSerializer.Serialize(content.Headers, ApiJson.Options);
        if (content.Deaths.Count > 0) entity["Deaths"] = JsonSerializer.Serialize(content.Deaths, ApiJson.Options);
        // A binary property holds at most 64 KiB; a 256 KiB body spans four.
        for (int offset = 0, chunk = 0; offset < content.Body.Length; offset += BodyChunk, chunk++)
        {
            entity["Body" + chunk] = content.Body.AsSpan(offset, Math.Min(BodyChunk, content.Body.Length - offset)).ToArray();
        }
        return entity;
    }

    /// <summary>A ready row that also carries the message of <paramref name="message"/> (its message row, built
    /// once and copied), or null when the message is too large to inline.</summary>
    public static TableEntity? ReadyWithContent(QueuePartition partition, string rowKey, IndexEntry entry, TableEntity message)
    {
        var inlineSize = (message.GetInt32("BodyLength") ?? 0) + (message.GetString("Headers")?.Length ?? 0) + (message.GetString("Deaths")?.Length ?? 0);
        if (inlineSize > InlineContentMaxBytes) return null;
        var ready = Index(partition, rowKey, entry);
        foreach (var (name, value) in message)
        {
            if (name is not ("PartitionKey" or "RowKey" or "odata.etag" or "Timestamp")) ready[name] = value;
        }
        return ready;
    }

    public static MessageContent ToContent(TableEntity entity)
    {
        var length = entity.GetInt32("BodyLength") ?? 0;
        var body = new byte[length];
        for (int offset = 0, chunk = 0; offset < length; offset += BodyChunk, chunk++)
        {
            entity.GetBinary("Body" + chunk).CopyTo(body, offset);
        }
        var headers = entity.GetString("Headers");
        var deaths = entity.GetString("Deaths");
        return new MessageContent
        {
            MessageId = entity.GetString("MessageId"),
            Body = body,
            BodyEncoding = Enum.Parse<BodyEncoding>(entity.GetString("BodyEncoding") ?? nameof(BodyEncoding.Utf8)),
            ContentType = entity.GetString("ContentType"),
            CorrelationId = entity.GetString("CorrelationId"),
            ReplyTo = entity.GetString("ReplyTo"),
            Headers = headers is null ? null : JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(headers, ApiJson.Options),
            Priority = entity.GetInt32("Priority") ?? 0,
            Exchange = entity.GetString("Exchange") ?? "",
            RoutingKey = entity.GetString("RoutingKey") ?? "",
            EnqueuedAt = Time(entity, "EnqueuedAt") ?? DateTimeOffset.UnixEpoch,
            Deaths = deaths is null ? [] : JsonSerializer.Deserialize<List<Death>>(deaths, ApiJson.Options) ?? [],
        };
    }

    /// <summary>The pending-move row of a message leaving its queue (see <see cref="PendingMove"/>).</summary>
    public static TableEntity Move(QueuePartition partition, IndexEntry entry, Disposal disposal)
    {
        var entity = Index(partition, MoveKey(entry.Sequence), entry with { LeaseId = null, VisibleUntil = null, LastLeaseId = null });
        if (disposal.DeadLetterReason is { } reason) entity["Reason"] = reason;
        if (disposal.RedriveTo is { } target) entity["RedriveTo"] = target;
        return entity;
    }

    public static PendingMove ToMove(TableEntity entity) =>
        new(entity.RowKey, entity.ETag.ToString(), ToIndexEntry(entity), entity.GetString("Reason"), entity.GetString("RedriveTo"));

    /// <summary>An index row (ready or invisible) for <paramref name="entry"/> under a new key.</summary>
    public static TableEntity Index(QueuePartition partition, string rowKey, IndexEntry entry)
    {
        var entity = new TableEntity(PartitionKey(partition), rowKey)
        {
            ["Seq"] = entry.Sequence,
            ["MessageId"] = entry.MessageId,
            ["Rank"] = entry.PriorityRank,
            ["DeliveryCount"] = entry.DeliveryCount,
            ["EnqueuedAt"] = entry.EnqueuedAt.UtcTicks,
            ["Size"] = entry.Size,
            ["LeaseId"] = entry.LeaseId ?? "",
        };
        if (entry.ExpiresAt is { } expiresAt) entity["ExpiresAt"] = expiresAt.UtcTicks;
        if (entry.VisibleUntil is { } visibleUntil) entity["VisibleUntil"] = visibleUntil.UtcTicks;
        if (entry.LastLeaseId is { Length: > 0 } expired) entity["ExpiredLeaseId"] = expired;
        return entity;
    }

    public static IndexEntry ToIndexEntry(TableEntity entity, DateTimeOffset? now = null)
    {
        var leaseId = entity.GetString("LeaseId");
        var visibleUntil = Time(entity, "VisibleUntil");
        var state = entity.RowKey.StartsWith(ReadyFrom, StringComparison.Ordinal) ? IndexState.Ready
            : string.IsNullOrEmpty(leaseId) ? IndexState.Delayed : IndexState.InFlight;
        return new IndexEntry
        {
            Key = entity.RowKey,
            ETag = entity.ETag.ToString(),
            Sequence = entity.GetString("Seq"),
            MessageId = entity.GetString("MessageId") ?? "",
            PriorityRank = entity.GetInt32("Rank") ?? MaxRank,
            DeliveryCount = entity.GetInt32("DeliveryCount") ?? 0,
            EnqueuedAt = Time(entity, "EnqueuedAt") ?? DateTimeOffset.UnixEpoch,
            ExpiresAt = Time(entity, "ExpiresAt"),
            Size = entity.GetInt64("Size") ?? entity.GetInt32("Size") ?? 0,
            LeaseId = string.IsNullOrEmpty(leaseId) ? null : leaseId,
            VisibleUntil = visibleUntil,
            LastLeaseId = entity.GetString("ExpiredLeaseId"),
            State = state,
            Content = entity.GetString("BodyEncoding") is null ? null : ToContent(entity),
        };
    }

    public static DateTimeOffset? Time(TableEntity entity, string property) =>
        entity.GetInt64(property) is { } ticks ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    /// <summary>Bytes an entity adds to a transaction request (base64 inflates binary); keeps a batch under 4 MiB.</summary>
    public static long EstimatedSize(TableEntity entity) =>
        1024 + entity.Sum(p => p.Value switch { byte[] b => b.Length * 4L / 3, string s => s.Length * 2L, _ => 16 });
}
