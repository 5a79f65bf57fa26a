namespace Serverless.Access;

/// <summary>Bound from the <c>RateLimits</c> section: token buckets per instance. A rate of 0 turns that limit
/// off (the default: like RabbitMQ, SQS and Service Bus, no limit unless one is set). With N instances the
/// service as a whole admits up to N times these rates.</summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "RateLimits";

    /// <summary>Requests per second each caller (a key, a token's identity, the admin) may make. Default 0 (off).</summary>
    public double RequestsPerSecondPerKey { get; set; }

    /// <summary>Requests a caller may make at once above the steady rate. Default 0: one second's worth.</summary>
    public int RequestBurstPerKey { get; set; }

    /// <summary>Messages per second that may be published into each queue. Default 0 (off).</summary>
    public double PublishesPerSecondPerQueue { get; set; }

    /// <summary>Messages a queue may take at once above the steady rate. Default 0: one second's worth, at
    /// least one full batch (100).</summary>
    public int PublishBurstPerQueue { get; set; }
}
