using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Serverless.Json;
using Serverless.Messages;

namespace Serverless.Storage.Tables;

/// <summary>Row layout of one queue shard (partition <c>{vhost}|{queue}|{incarnation}|{shard}</c>):
/// <list type="bullet">
/// <item><c>h</c> the head row: exists while the incarnation lives (every publish checks it, so a delete can fence
/// publishers out) and, for a shard with length limits, holds its count of ready and delayed messages.</item>
/// <item><c>r:{rank}:{seq}</c> ready index, rank 0 = highest priority; <c>v:{dueTicks}:{seq}:{leaseId}</c> invisible index
/// (leased, or delayed with an empty lease id). A message lives in exactly one index row, which carries the message
/// itself when it is small (<see cref="InlineContentMaxBytes"/>); a larger one keeps its content in <c>m:{seq}</c>.</item>
/// <item><c>a:{seq}:{leaseId}</c> lease alias: where a lease moved by extend lives now (the receipt names its first key).</item>
/// <item><c>e:{expiresTicks}:{seq}</c> expiry index of ready and delayed messages that have an expiry, naming their index row.</item>
/// <item><c>d:{messageId}</c> dedup window; <c>x:{seq}</c> pending move (dead-letter or redrive, with the content);
/// <c>o:{changeSeq}</c> change rows of settlements (a resent transaction that already committed conflicts on them).</item>
/// </list></summary>
internal static class MessageRows
{
    public const int MaxRank = 9;
    private const int BodyChunk = 64 * 1024;

    /// <summary>Largest message (body, headers and deaths) kept in its index row. Every receive's ready
    /// query returns up to 2 × maxMessages × receivers rows, so each inlined byte is read by several receives;
    /// 4 KiB keeps that query small while covering the usual JSON message of a web app.</summary>
    public const int InlineContentMaxBytes = 4 * 1024;

    public const string HeadKey = "h";

    public static string PartitionKey(QueuePartition partition) =>
        $"{partition.Vhost}|{partition.Queue}|{partition.Incarnation}|{partition.Shard.ToString("D2", CultureInfo.InvariantCulture)}";

    /// <summary>Every partition of one queue incarnation starts with this (for collecting a deleted incarnation).</summary>
    public static string IncarnationPrefix(string vhost, string queue, string incarnation) => $"{vhost}|{queue}|{incarnation}|";

    public static string BodyKey(string sequence) => "m:" + sequence;
    public static string ReadyKey(int rank, string sequence) => $"r:{rank}:{sequence}";
    public static string InvisibleKey(long dueTicks, string sequence, string leaseId) =>
        $"v:{Ticks(dueTicks)}:{sequence}:{leaseId}";
    public static string InvisibleKey(LeaseToken token) => InvisibleKey(token.DueTicks, token.Sequence, token.LeaseId);
    public static string AliasKey(string sequence, string leaseId) => $"a:{sequence}:{leaseId}";
    public static string ExpiryKey(DateTimeOffset expiresAt, string sequence) => $"e:{Ticks(expiresAt.UtcTicks)}:{sequence}";
    public static string DedupKey(string messageId) => "d:" + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(messageId));
    public static string MoveKey(string sequence) => "x:" + sequence;
    public static string ChangeKey(string changeSequence) => "o:" + changeSequence;

    public const string ReadyFrom = "r:", ReadyTo = "r;", InvisibleFrom = "v:", InvisibleTo = "v;", DedupFrom = "d:", DedupTo = "d;",
        MoveFrom = "x:", MoveTo = "x;", ExpiryFrom = "e:", ChangeFrom = "o:";
    public static string InvisibleDueBefore(DateTimeOffset now) => $"v:{Ticks(now.UtcTicks + 1)}";
    public static string ExpiryDueBefore(DateTimeOffset now) => $"e:{Ticks(now.UtcTicks + 1)}";
    public static string ChangesBefore(string changeSequence) => ChangeKey(changeSequence);

    /// <summary>Rows that only point at a message (its expiry row, its lease alias): deleting one that is already gone
    /// must not keep the message's own change from committing.</summary>
    public static bool MayBeGone(string rowKey) => rowKey.StartsWith(ExpiryFrom, StringComparison.Ordinal) || rowKey.StartsWith("a:", StringComparison.Ordinal);

    private static string Ticks(long ticks) => ticks.ToString("D19", CultureInfo.InvariantCulture);

    public static readonly string[] IndexColumns =
        ["RowKey", "Seq", "MessageId", "Rank", "DeliveryCount", "EnqueuedAt", "ExpiresAt", "Size", "LeaseId", "VisibleUntil", "ExpiredLeaseId", "BodyRow", "Counted", "Extended", "Ver", "Replica"];

    private static readonly string[] ContentColumns =
        ["BodyEncoding", "BodyLength", "Priority", "Exchange", "RoutingKey", "ContentType", "CorrelationId", "ReplyTo", "Headers", "Deaths", "Body0"];

    /// <summary>What queries of index rows read: the index and, where the row carries it, the message.</summary>
    public static readonly string[] IndexWithContentColumns = [.. IndexColumns, .. ContentColumns];

    public static readonly string[] MoveColumns = [.. IndexWithContentColumns, "Reason", "RedriveTo"];

    public static string RangeFilter(QueuePartition partition, string from, string to) =>
        TableClient.CreateQueryFilter($"PartitionKey eq {PartitionKey(partition)} and RowKey ge {from} and RowKey lt {to}");

    /// <summary>The body row of a message: written when it is too large to ride in its index row; built for every
    /// message, since its content columns are what an index row carrying the message copies.</summary>
    public static TableEntity Body(QueuePartition partition, string sequence, MessageContent content) =>
        WithContent(new TableEntity(PartitionKey(partition), BodyKey(sequence)), content);

    /// <summary>Whether the message of a body row is small enough to ride in its index row.</summary>
    public static bool FitsInline(TableEntity body) =>
        (body.GetInt32("BodyLength") ?? 0) + (body.GetString("Headers")?.Length ?? 0) + (body.GetString("Deaths")?.Length ?? 0) <= InlineContentMaxBytes;

    /// <summary>Copies the content columns of a body row into an index row.</summary>
    public static TableEntity CarryContent(TableEntity index, TableEntity body)
    {
        foreach (var (name, value) in body)
        {
            if (name is not ("PartitionKey" or "RowKey" or "odata.etag" or "Timestamp")) index[name] = value;
        }
        return index;
    }

    /// <summary>An index row (ready, invisible) for <paramref name="entry"/> under <paramref name="rowKey"/>, carrying
    /// the entry's content unless it lives in a body row.</summary>
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
        if (entry.BodyRow) entity["BodyRow"] = true;
        if (entry.Counted is { } counted) entity["Counted"] = counted;
        if (entry.Extended) entity["Extended"] = true;
        if (entry.Version != 0) entity["Ver"] = entry.Version;
        if (entry.ReplicaKeys.Count > 0) entity["Replica"] = string.Join(' ', entry.ReplicaKeys);
        if (!entry.BodyRow && entry.Content is { } content) WithContent(entity, content);
        return entity;
    }

    /// <summary>The expiry index row of a ready or delayed message with an expiry, naming its index row.</summary>
    public static TableEntity Expiry(QueuePartition partition, IndexEntry entry, string indexKey) =>
        new(PartitionKey(partition), ExpiryKey(entry.ExpiresAt!.Value, entry.Sequence))
        {
            ["IndexKey"] = indexKey,
            ["Seq"] = entry.Sequence,
        };

    /// <summary>The pending-move row of a message leaving its queue (see <see cref="PendingMove"/>); it carries the
    /// content of a small message, whose index row goes in the same transaction.</summary>
    public static TableEntity Move(QueuePartition partition, IndexEntry entry, Disposal disposal)
    {
        var entity = Index(partition, MoveKey(entry.Sequence), entry with { LeaseId = null, VisibleUntil = null, LastLeaseId = null, Counted = null, Extended = false });
        if (disposal.DeadLetterReason is { } reason) entity["Reason"] = reason;
        if (disposal.RedriveTo is { } target) entity["RedriveTo"] = target;
        return entity;
    }

    /// <summary>A change row (the replication outbox) for a message that now is <paramref name="after"/>, as the
    /// secondary must hold it: its index row's columns and key (ready, or delayed; never leased), with its dedup entry.
    /// The key is new for every change, so a transaction resent after it committed conflicts on it.</summary>
    public static TableEntity Upserted(QueuePartition partition, string changeSequence, string why, IndexEntry after, string? dedupKey = null, DateTimeOffset? dedupUntil = null)
    {
        var entity = Index(partition, ChangeKey(changeSequence), after with { LeaseId = null, VisibleUntil = null, LastLeaseId = null, Counted = null, Extended = false });
        entity[ChangeColumns.Op] = ChangeColumns.Upsert;
        entity[ChangeColumns.Why] = why;
        entity[ChangeColumns.ReplicaKey] = after.Key;
        entity[ChangeColumns.Mode] = partition.Replication.ToString();
        if (dedupKey is not null && dedupUntil is { } until)
        {
            entity[ChangeColumns.DedupKey] = dedupKey;
            entity[ChangeColumns.DedupUntil] = until.UtcTicks;
        }
        return entity;
    }

    /// <summary>A change row for a message that left its queue (a tombstone at <paramref name="version"/>), naming every
    /// row the secondary may hold of it, so the secondary deletes them without reading first.</summary>
    public static TableEntity Removed(QueuePartition partition, string changeSequence, string why, IndexEntry gone, long version)
    {
        var entity = new TableEntity(PartitionKey(partition), ChangeKey(changeSequence))
        {
            [ChangeColumns.Op] = ChangeColumns.Delete,
            [ChangeColumns.Why] = why,
            ["Seq"] = gone.Sequence,
            ["Ver"] = version,
            ["Replica"] = string.Join(' ', ReplicaKeysOf(gone)),
            [ChangeColumns.Mode] = partition.Replication.ToString(),
        };
        if (gone.BodyRow) entity["BodyRow"] = true;
        if (gone.ExpiresAt is { } expiresAt) entity["ExpiresAt"] = expiresAt.UtcTicks;
        return entity;
    }

    /// <summary>The keys the secondary may hold a message under (its ready key when nothing else is known).</summary>
    public static IReadOnlyList<string> ReplicaKeysOf(IndexEntry entry) =>
        entry.ReplicaKeys.Count > 0 ? entry.ReplicaKeys : [ReadyKey(entry.PriorityRank, entry.Sequence)];

    public static PendingMove ToMove(TableEntity entity) =>
        new(entity.RowKey, entity.ETag.ToString(), ToIndexEntry(entity), entity.GetString("Reason"), entity.GetString("RedriveTo"));

    public static IndexEntry ToIndexEntry(TableEntity entity)
    {
        var leaseId = entity.GetString("LeaseId");
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
            VisibleUntil = Time(entity, "VisibleUntil"),
            LastLeaseId = entity.GetString("ExpiredLeaseId"),
            State = state,
            BodyRow = entity.GetBoolean("BodyRow") == true,
            Counted = entity.GetString("Counted"),
            Extended = entity.GetBoolean("Extended") == true,
            Version = entity.GetInt64("Ver") ?? 0,
            ReplicaKeys = entity.GetString("Replica") is { Length: > 0 } keys ? keys.Split(' ') : [],
            Content = entity.GetString("BodyEncoding") is null ? null : ToContent(entity),
        };
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

    public static DateTimeOffset? Time(TableEntity entity, string property) =>
        entity.GetInt64(property) is { } ticks ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    /// <summary>Bytes an entity adds to a transaction request (base64 inflates binary); keeps a batch under 4 MiB.</summary>
    public static long EstimatedSize(ITableEntity entity) => entity is TableEntity table
        ? 1024 + table.Sum(p => p.Value switch { byte[] b => b.Length * 4L / 3, string s => s.Length * 2L, _ => 16 })
        : 1024;

    private static TableEntity WithContent(TableEntity entity, MessageContent content)
    {
        entity["MessageId"] = content.MessageId;
        entity["BodyEncoding"] = content.BodyEncoding.ToString();
        entity["BodyLength"] = content.Body.Length;
        entity["Priority"] = content.Priority;
        entity["Exchange"] = content.Exchange;
        entity["RoutingKey"] = content.RoutingKey;
        entity["EnqueuedAt"] = content.EnqueuedAt.UtcTicks;
        if (content.ContentType is not null) entity["ContentType"] = content.ContentType;
        if (content.CorrelationId is not null) entity["CorrelationId"] = content.CorrelationId;
        if (content.ReplyTo is not null) entity["ReplyTo"] = content.ReplyTo;
        if (content.Headers is { Count: > 0 }) entity["Headers"] = Serialized(content.Headers);
        if (content.Deaths.Count > 0) entity["Deaths"] = Serialized(content.Deaths);
        // A binary property holds at most 64 KiB; a 256 KiB body spans four.
        for (int offset = 0, chunk = 0; offset < content.Body.Length; offset += BodyChunk, chunk++)
        {
            entity["Body" + chunk] = content.Body.AsSpan(offset, Math.Min(BodyChunk, content.Body.Length - offset)).ToArray();
        }
        return entity;
    }

    private static string Serialized<T>(T? value) => value switch
    {
        null => "",
        IReadOnlyCollection<Death> { Count: 0 } => "",
        IReadOnlyDictionary<string, JsonElement> { Count: 0 } => "",
        _ => JsonSerializer.Serialize(value, ApiJson.Options),
    };
}
