using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Serverless.Errors;

namespace Serverless.Access;

/// <summary>The two throttles of <see cref="RateLimitOptions"/>: requests per caller and messages published
/// per queue, each a token bucket per partition (System.Threading.RateLimiting). Over a limit: 429 with the
/// bucket's own <c>Retry-After</c>. Other callers and queues have buckets of their own and are not affected.</summary>
public sealed class RateLimits : IDisposable
{
    private readonly PartitionedRateLimiter<string>? requests;
    private readonly PartitionedRateLimiter<string>? publishes;
    private readonly int publishCapacity;

    private readonly Telemetry.ServiceMetrics? metrics;

    public RateLimits(IOptions<RateLimitOptions> options, Telemetry.ServiceMetrics? metrics = null)
    {
        this.metrics = metrics;
        var limits = options.Value;
        if (limits.RequestsPerSecondPerKey > 0) requests = Create(limits.RequestsPerSecondPerKey, Capacity(limits.RequestsPerSecondPerKey, limits.RequestBurstPerKey, 1));
        if (limits.PublishesPerSecondPerQueue > 0)
        {
            publishCapacity = Capacity(limits.PublishesPerSecondPerQueue, limits.PublishBurstPerQueue, 100);
            publishes = Create(limits.PublishesPerSecondPerQueue, publishCapacity);
        }
    }

    /// <summary>Takes one request from <paramref name="caller"/>'s bucket, or throws 429.</summary>
    public void AdmitRequest(Caller caller)
    {
        if (requests is null) return;
        using var lease = requests.AttemptAcquire(caller.Name);
        if (lease.IsAcquired) return;
        metrics?.Throttled(Telemetry.ThrottleKinds.RateLimit);
        throw Throttled(lease, "Too many requests from this caller; the limit is per key.");
    }

    /// <summary>Takes <paramref name="messages"/> from the queue's bucket, or throws 429 (nothing published).</summary>
    public void AdmitPublish(string vhost, string queue, int messages)
    {
        if (publishes is null || messages <= 0) return;
        // A batch larger than the whole bucket takes the whole bucket: asking for more could never succeed.
        using var lease = publishes.AttemptAcquire($"{vhost}/{queue}", Math.Min(messages, publishCapacity));
        if (lease.IsAcquired) return;
        metrics?.Throttled(Telemetry.ThrottleKinds.RateLimit, vhost, queue);
        throw Throttled(lease, $"Queue '{queue}' takes messages at a limited rate; publish more slowly.");
    }

    public void Dispose()
    {
        requests?.Dispose();
        publishes?.Dispose();
    }

    private static int Capacity(double perSecond, int burst, int smallestBurst) =>
        burst > 0 ? burst : Math.Max(smallestBurst, (int)Math.Ceiling(perSecond));

    private static PartitionedRateLimiter<string> Create(double perSecond, int capacity)
    {
        // Refill every 100 ms (or per token when slower), so a bucket recovers smoothly rather than once a second.
        var period = TimeSpan.FromSeconds(Math.Max(0.1, 1 / perSecond));
        var perPeriod = Math.Max(1, (int)Math.Round(perSecond * period.TotalSeconds));
        return PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = capacity,
            TokensPerPeriod = perPeriod,
            ReplenishmentPeriod = period,
            QueueLimit = 0,
            AutoReplenishment = true,
        }), StringComparer.Ordinal);
    }

    private static ThrottledException Throttled(RateLimitLease lease, string detail)
    {
        var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
        return new ThrottledException(detail, TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(wait.TotalSeconds))));
    }
}
