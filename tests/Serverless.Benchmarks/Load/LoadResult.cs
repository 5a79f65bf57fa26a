namespace Serverless.Benchmarks.Load;

/// <summary>What a timed run did: messages done, time spent, one latency per operation, failed operations
/// and the storage requests counted over the timed part (null when nobody counts).</summary>
public sealed record LoadResult(long Messages, TimeSpan Elapsed, IReadOnlyList<double> LatenciesMs, long Errors, long? StorageRequests)
{
    public double MessagesPerSecond => Elapsed > TimeSpan.Zero ? Messages / Elapsed.TotalSeconds : 0;

    public double? RequestsPerMessage => StorageRequests is { } requests && Messages > 0 ? (double)requests / Messages : null;

    public double Percentile(double p)
    {
        if (LatenciesMs.Count == 0) return 0;
        var sorted = LatenciesMs.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    public static LoadResult Combine(IReadOnlyList<LoadResult> parts) => new(
        parts.Sum(p => p.Messages),
        TimeSpan.FromTicks(parts.Sum(p => p.Elapsed.Ticks)),
        parts.SelectMany(p => p.LatenciesMs).ToList(),
        parts.Sum(p => p.Errors),
        parts.All(p => p.StorageRequests is not null) ? parts.Sum(p => p.StorageRequests!.Value) : null);
}

/// <summary>Reads a running count of storage requests (the service's diagnostics endpoint, or an in-process counter).</summary>
public delegate Task<long> RequestCount(CancellationToken cancellationToken);
