using System.Diagnostics;
using System.Globalization;

namespace Serverless.Benchmarks.Clients;

/// <summary>Message bodies of the requested size (ASCII, so bytes = characters). A timed body starts with
/// the <see cref="Stopwatch"/> timestamp of its publish, for end-to-end latency.</summary>
public static class Payload
{
    public static string Body(int size) => new('x', size);

    public static string Timed(int size)
    {
        var stamp = Stopwatch.GetTimestamp().ToString(CultureInfo.InvariantCulture) + "|";
        return stamp.Length >= size ? stamp : stamp + new string('x', size - stamp.Length);
    }

    /// <summary>Milliseconds since the timestamp at the start of <paramref name="body"/>; null for an untimed body.</summary>
    public static double? AgeMs(string body)
    {
        var bar = body.IndexOf('|', StringComparison.Ordinal);
        return bar > 0 && long.TryParse(body.AsSpan(0, bar), NumberStyles.None, CultureInfo.InvariantCulture, out var stamp)
            ? Stopwatch.GetElapsedTime(stamp).TotalMilliseconds
            : null;
    }
}
