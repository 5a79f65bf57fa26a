using System.Globalization;

namespace Serverless.IntegrationTests.Fuzz;

/// <summary>How much the fuzz suite runs, from environment variables so that CI and a developer hunting a bug can
/// differ without editing the test.</summary>
/// <param name="Cases"><c>SERVERLESS_FUZZ_CASES</c>: requests to generate. Default 500.</param>
/// <param name="TimeLimit"><c>SERVERLESS_FUZZ_SECONDS</c>: the run stops generating after this long, whatever
/// <paramref name="Cases"/> says. Default 120 s.</param>
/// <param name="Seed"><c>SERVERLESS_FUZZ_SEED</c>: case <c>i</c> is generated from seed + i, so a reported case can be
/// run again alone. Default: random, printed.</param>
/// <param name="RequestBound">How long one request may take: the service's own deadline (10 s, plus a receive's
/// <c>waitSeconds</c>, which the generators keep at most 1 s when valid) with a margin. Fixed at 15 s.</param>
public sealed record FuzzSettings(int Cases, TimeSpan TimeLimit, ulong Seed, TimeSpan RequestBound)
{
    public static FuzzSettings FromEnvironment() => new(
        Read("SERVERLESS_FUZZ_CASES", 500, int.Parse),
        TimeSpan.FromSeconds(Read("SERVERLESS_FUZZ_SECONDS", 120, int.Parse)),
        Read("SERVERLESS_FUZZ_SEED", (ulong)Random.Shared.NextInt64(), ulong.Parse),
        TimeSpan.FromSeconds(15));

    private static T Read<T>(string name, T fallback, Func<string, IFormatProvider, T> parse) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } raw
            ? parse(raw, CultureInfo.InvariantCulture)
            : fallback;
}
