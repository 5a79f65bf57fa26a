using Serverless.Access;

namespace Serverless.UnitTests.Access;

public sealed class AuthOptionsValidatorTests
{
    private static AuthOptions Valid() => new() { AdminKey = new string('k', 16) };

    [Fact]
    public void The_defaults_with_an_admin_key_are_valid_and_tokens_are_off()
    {
        var options = Valid();
        Assert.True(new AuthOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal(5, options.KeyCacheSeconds);
        Assert.False(options.Jwt.Enabled);
    }

    [Fact]
    public void Token_settings_are_checked_naming_each_key()
    {
        var options = Valid();
        options.KeyCacheSeconds = 61;
        options.Jwt = new JwtOptions { Audience = "api://x", Authority = "http://insecure.example", ClockSkewSeconds = -1 };
        options.Jwt.Roles["Writer"] = new RoleGrantOptions { Vhost = "bad/name", Write = "(" };

        var failures = new AuthOptionsValidator().Validate(null, options).Failures!.ToList();

        Assert.Contains(failures, f => f.StartsWith("Auth:KeyCacheSeconds", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Auth:Jwt:Authority", StringComparison.Ordinal) && f.Contains("https", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Auth:Jwt:ClockSkewSeconds", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Auth:Jwt:Roles:Writer:Vhost", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Auth:Jwt:Roles:Writer:Write", StringComparison.Ordinal));
    }

    [Fact]
    public void An_audience_without_an_issuer_is_refused_and_an_entra_authority_is_accepted()
    {
        var options = Valid();
        options.Jwt = new JwtOptions { Audience = "api://x" };
        Assert.Contains(new AuthOptionsValidator().Validate(null, options).Failures!, f => f.StartsWith("Auth:Jwt:Authority", StringComparison.Ordinal));

        options.Jwt.Authority = "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0";
        Assert.True(new AuthOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal("https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0/.well-known/openid-configuration", options.Jwt.MetadataDocument);
    }
}

public sealed class RateLimitOptionsValidatorTests
{
    [Fact]
    public void Limits_are_off_by_default()
    {
        var options = new RateLimitOptions();
        Assert.True(new RateLimitOptionsValidator().Validate(null, options).Succeeded);
        using var limits = new RateLimits(Microsoft.Extensions.Options.Options.Create(options));
        for (var i = 0; i < 10_000; i++) limits.AdmitRequest(Caller.Admin("admin"));
        limits.AdmitPublish("v", "q", 100);
    }

    [Fact]
    public void Negative_rates_and_bursts_are_named()
    {
        var failures = new RateLimitOptionsValidator().Validate(null, new RateLimitOptions
        {
            RequestsPerSecondPerKey = -1, RequestBurstPerKey = -1, PublishesPerSecondPerQueue = double.NaN, PublishBurstPerQueue = -5,
        }).Failures!.ToList();

        Assert.Equal(4, failures.Count);
        Assert.All(new[] { "RequestsPerSecondPerKey", "RequestBurstPerKey", "PublishesPerSecondPerQueue", "PublishBurstPerQueue" },
            key => Assert.Contains(failures, f => f.StartsWith($"RateLimits:{key}", StringComparison.Ordinal)));
    }
}

public sealed class RateLimitsTests
{
    [Fact]
    public void A_caller_over_its_burst_is_throttled_with_a_whole_second_retry_and_others_are_not()
    {
        using var limits = new RateLimits(Microsoft.Extensions.Options.Options.Create(new RateLimitOptions { RequestsPerSecondPerKey = 1, RequestBurstPerKey = 3 }));
        var busy = new Caller("key:busy", false, []);
        for (var i = 0; i < 3; i++) limits.AdmitRequest(busy);

        var throttled = Assert.Throws<Serverless.Errors.ThrottledException>(() => limits.AdmitRequest(busy));

        Assert.InRange(throttled.RetryAfter, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
        limits.AdmitRequest(new Caller("key:calm", false, []));
    }

    [Fact]
    public void A_batch_larger_than_a_queues_bucket_takes_the_whole_bucket_instead_of_failing()
    {
        using var limits = new RateLimits(Microsoft.Extensions.Options.Options.Create(new RateLimitOptions { PublishesPerSecondPerQueue = 1, PublishBurstPerQueue = 10 }));

        limits.AdmitPublish("v", "q", 100);

        Assert.Throws<Serverless.Errors.ThrottledException>(() => limits.AdmitPublish("v", "q", 1));
        limits.AdmitPublish("v", "other", 10);
    }
}

public sealed class RateLimitMetricsTests
{
    [Fact]
    public void Each_refusal_is_counted_as_throttled_with_kind_rateLimit_and_the_queue_when_about_one()
    {
        using var meters = new SingleMeterFactory();
        var metrics = new Serverless.Telemetry.ServiceMetrics(meters, Microsoft.Extensions.Options.Options.Create(new Serverless.Telemetry.TelemetryOptions { Region = "unit" }));
        var counted = new List<(long Value, string? Kind, string? Queue)>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "serverless.requests.throttled") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var all = tags.ToArray();
            counted.Add((value, all.FirstOrDefault(t => t.Key == "kind").Value as string, all.FirstOrDefault(t => t.Key == "queue").Value as string));
        });
        listener.Start();
        using var limits = new RateLimits(Microsoft.Extensions.Options.Options.Create(new RateLimitOptions
        {
            RequestsPerSecondPerKey = 1, RequestBurstPerKey = 1, PublishesPerSecondPerQueue = 1, PublishBurstPerQueue = 1,
        }), metrics);
        var caller = new Caller("key:k", false, []);

        limits.AdmitRequest(caller);
        limits.AdmitPublish("v", "q", 1);
        Assert.Throws<Serverless.Errors.ThrottledException>(() => limits.AdmitRequest(caller));
        Assert.Throws<Serverless.Errors.ThrottledException>(() => limits.AdmitPublish("v", "q", 1));

        Assert.Equal([(1L, "rateLimit", (string?)null), (1L, "rateLimit", "q")], counted);
    }
}

/// <summary>The meters a test makes, disposed with it.</summary>
internal sealed class SingleMeterFactory : System.Diagnostics.Metrics.IMeterFactory
{
    private readonly List<System.Diagnostics.Metrics.Meter> meters = [];

    public System.Diagnostics.Metrics.Meter Create(System.Diagnostics.Metrics.MeterOptions options)
    {
        var meter = new System.Diagnostics.Metrics.Meter(options);
        meters.Add(meter);
        return meter;
    }

    public void Dispose() => meters.ForEach(m => m.Dispose());
}
