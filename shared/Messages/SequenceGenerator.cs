using System.Globalization;
using System.Security.Cryptography;

namespace Serverless.Messages;

/// <summary>Message sequence numbers: time plus a per-instance suffix, strictly increasing within an
/// instance (so a batch keeps its order) and unique across instances without a counter row, which
/// would be a hot spot (DESIGN.md, lessons).</summary>
public sealed class SequenceGenerator(TimeProvider time)
{
    private static readonly string InstanceSuffix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
    private long last;

    public string Next()
    {
        var now = time.GetUtcNow().UtcTicks;
        long ticks, previous;
        do
        {
            previous = Interlocked.Read(ref last);
            ticks = Math.Max(now, previous + 1);
        }
        while (Interlocked.CompareExchange(ref last, ticks, previous) != previous);
        return ticks.ToString("D19", CultureInfo.InvariantCulture) + InstanceSuffix;
    }
}
