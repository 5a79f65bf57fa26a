using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Serverless.Json;

namespace Serverless.Events;

/// <summary>A state change worth a page: what is sent to Event Grid as a CloudEvent 1.0 and kept in the events
/// table. <see cref="Data"/> is a JSON object with names and settings only, never a secret or a message body.</summary>
/// <param name="Id">Unique per event and ordered by time: <see cref="NewId"/>. It is the events table's row key.</param>
/// <param name="Time">When it happened, to the millisecond (what the wire carries, so <c>since</c> compares as clients see it).</param>
/// <param name="Type">One of <see cref="EventTypes"/>.</param>
/// <param name="Subject">The resource it is about, e.g. <c>/vhosts/default/queues/orders</c>.</param>
/// <param name="Data">A JSON object.</param>
public sealed record DomainEvent(string Id, DateTimeOffset Time, string Type, string Subject, JsonElement Data)
{
    /// <summary>The largest <see cref="Data"/>, as JSON text (ASCII: the API's JSON escapes the rest). Events name
    /// resources and settings, a few hundred characters; the bound keeps a batch of 100 below Event Grid's 1 MB per
    /// request and a table transaction of 100 far below its 4 MiB.</summary>
    public const int MaxDataLength = 8 * 1024;

    // Ties within a millisecond are broken by this process's tag, then its counter: unique across instances,
    // and in the order of creation within one.
    private static readonly string InstanceTag = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
    private static long counter;

    /// <summary>An event of <paramref name="type"/> about <paramref name="subject"/> that happened at
    /// <paramref name="time"/>; <paramref name="data"/> is serialized with the API's JSON options and must be an object.</summary>
    public static DomainEvent Create(string type, string subject, object data, DateTimeOffset time)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentException.ThrowIfNullOrEmpty(subject);
        ArgumentNullException.ThrowIfNull(data);
        var json = JsonSerializer.SerializeToElement(data, data.GetType(), ApiJson.Options);
        if (json.ValueKind != JsonValueKind.Object) throw new ArgumentException("Event data must be a JSON object.", nameof(data));
        if (json.GetRawText().Length > MaxDataLength) throw new ArgumentException($"Event data must be at most {MaxDataLength} characters of JSON.", nameof(data));
        var at = ToMilliseconds(time);
        return new DomainEvent(NewId(at), at, type, subject, json);
    }

    /// <summary>A new id for an event at <paramref name="time"/>: <c>{unix ms, 13 digits}-{instance}-{counter}</c>.
    /// Ids sort as their events' times (ordinal), so a time is a key range of the events table.</summary>
    public static string NewId(DateTimeOffset time) =>
        string.Create(CultureInfo.InvariantCulture, $"{IdPrefix(time)}-{InstanceTag}-{Interlocked.Increment(ref counter):x12}");

    /// <summary>The part of an id that its time decides; every id of an event at or after <paramref name="time"/>
    /// sorts at or after it.</summary>
    public static string IdPrefix(DateTimeOffset time) =>
        Math.Max(0, time.ToUnixTimeMilliseconds()).ToString("D13", CultureInfo.InvariantCulture);

    /// <summary><paramref name="time"/> in UTC cut to whole milliseconds.</summary>
    public static DateTimeOffset ToMilliseconds(DateTimeOffset time) =>
        new(time.UtcTicks - time.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
}
