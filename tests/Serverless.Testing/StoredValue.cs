using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;

namespace Serverless.Testing;

/// <summary>The text a stored property is compared and reported as. Representations that mean the same are the same text:
/// a DateTime and a DateTimeOffset of one instant, an Int32 and an Int64 of one number, an empty string and no value.</summary>
internal static class StoredValue
{
    private const int BodyChunkCount = 64, PreviewBytes = 24;

    public static string? Text(object? value) => value switch
    {
        null => null,
        string s => s.Length == 0 ? null : s,
        DateTimeOffset time => time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
        DateTime time => Instant(time).ToString("O", CultureInfo.InvariantCulture),
        byte[] bytes => Convert.ToBase64String(bytes),
        BinaryData data => Convert.ToBase64String(data.ToArray()),
        double number => number.ToString("R", CultureInfo.InvariantCulture),
        bool flag => flag ? "true" : "false",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    /// <summary>An instant the engine stores as UTC ticks (an Int64), or as a date-time property.</summary>
    public static string? Time(object? value) => value switch
    {
        long ticks => new DateTimeOffset(ticks, TimeSpan.Zero).ToString("O", CultureInfo.InvariantCulture),
        int ticks => new DateTimeOffset(ticks, TimeSpan.Zero).ToString("O", CultureInfo.InvariantCulture),
        _ => Text(value),
    };

    /// <summary>The instant of a UTC-ticks or date-time property, for comparing with now.</summary>
    public static DateTimeOffset? Instant(object? value) => value switch
    {
        long ticks => new DateTimeOffset(ticks, TimeSpan.Zero),
        DateTimeOffset time => time,
        DateTime time => Instant(time),
        _ => null,
    };

    public static long? Number(object? value) => value switch
    {
        long number => number,
        int number => number,
        _ => null,
    };

    /// <summary>A message body stored in chunks <c>Body0..n</c> with its length in <c>BodyLength</c>: a short preview,
    /// the byte count and a SHA-256, so that equal bodies read the same and a report shows where they part.</summary>
    public static string Body(TableEntity row)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var preview = new List<byte>(PreviewBytes);
        long stored = 0;
        for (var chunk = 0; chunk < BodyChunkCount && Bytes(row.TryGetValue("Body" + chunk, out var value) ? value : null) is { } bytes; chunk++)
        {
            hash.AppendData(bytes);
            stored += bytes.Length;
            preview.AddRange(bytes.Take(PreviewBytes - preview.Count));
        }
        var text = $"\"{Printable(preview)}\" {stored} bytes sha256:{Convert.ToHexStringLower(hash.GetHashAndReset())}";
        var declared = Number(row.TryGetValue("BodyLength", out var length) ? length : null) ?? 0;
        return declared == stored ? text : $"{text} (BodyLength {declared})";
    }

    private static byte[]? Bytes(object? value) => value switch
    {
        byte[] bytes => bytes,
        BinaryData data => data.ToArray(),
        _ => null,
    };

    private static string Printable(List<byte> bytes) =>
        new([.. Encoding.UTF8.GetString([.. bytes]).Select(c => char.IsControl(c) ? '.' : c)]);

    private static DateTimeOffset Instant(DateTime time) =>
        new(time.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(time, DateTimeKind.Utc) : time.ToUniversalTime());
}
