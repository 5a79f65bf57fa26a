using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;

namespace Serverless.Telemetry;

/// <summary>The service's metrics, on the meter <see cref="MeterName"/>: each counter is incremented where the engine
/// decides the outcome (one call per outcome, never per attempt), the gauges report the last sample of
/// <see cref="QueueSampler"/>, and every measurement carries the <c>region</c> tag of <see cref="TelemetryOptions"/>.
/// The instrument names are a contract with the dashboard, which charts them by name (docs/metrics.md).</summary>
public sealed class ServiceMetrics
{
    public const string MeterName = "Serverless";

    private readonly KeyValuePair<string, object?> region;
    private readonly Counter<long> published, delivered, acked, nacked, deadLettered, expired, throttled, failovers;
    private readonly Histogram<double> requestDuration;
    private volatile IReadOnlyList<QueueSample> samples = [];

    public ServiceMetrics(IMeterFactory meters, IOptions<TelemetryOptions> options)
    {
        region = new("region", options.Value.Region);
        // The region is also the meter's own tag: two engines in one process (tests) then keep separate metric streams,
        // where one engine's meter, disposed, would otherwise end the stream the other's same-named instruments share.
        var meter = meters.Create(new MeterOptions(MeterName) { Tags = [region] });
        published = meter.CreateCounter<long>("serverless.messages.published", "{message}", "Messages stored in a queue by a publish (not duplicates, not rejected).");
        delivered = meter.CreateCounter<long>("serverless.messages.delivered", "{message}", "Messages returned by receive.");
        acked = meter.CreateCounter<long>("serverless.messages.acked", "{message}", "Receipts acked.");
        nacked = meter.CreateCounter<long>("serverless.messages.nacked", "{message}", "Receipts nacked (requeued or rejected).");
        deadLettered = meter.CreateCounter<long>("serverless.messages.dead_lettered", "{message}", "Messages sent to their queue's dead-letter exchange, by reason.");
        expired = meter.CreateCounter<long>("serverless.messages.expired", "{message}", "Messages that left their queue when their TTL passed.");
        throttled = meter.CreateCounter<long>("serverless.requests.throttled", "{request}", "Requests answered 429, by kind.");
        failovers = meter.CreateCounter<long>("serverless.failovers", "{failover}", "Promotions of the secondary region.");
        requestDuration = meter.CreateHistogram<double>("serverless.request.duration", "s", "Time to answer an HTTP request, by function and status.");
        meter.CreateObservableGauge("serverless.queue.depth", ObserveDepth, "{message}", "Messages in a queue by state, as last sampled.");
        meter.CreateObservableGauge("serverless.replication.lag_messages", () => Observe(s => s.LagMessages), "{change}", "Changes of a queue not yet in the secondary region, as last sampled.");
        meter.CreateObservableGauge("serverless.replication.lag_seconds", () => Observe(s => s.LagSeconds), "s", "Age of a queue's oldest change not yet in the secondary region, as last sampled.");
    }

    public void Published(string vhost, string queue, long count) => Add(published, count, vhost, queue);

    public void Delivered(string vhost, string queue, long count) => Add(delivered, count, vhost, queue);

    public void Acked(string vhost, string queue, long count) => Add(acked, count, vhost, queue);

    public void Nacked(string vhost, string queue, long count) => Add(nacked, count, vhost, queue);

    public void Expired(string vhost, string queue, long count) => Add(expired, count, vhost, queue);

    public void DeadLettered(string vhost, string queue, string reason) =>
        deadLettered.Add(1, region, new("vhost", vhost), new("queue", queue), new("reason", reason));

    /// <summary>A request refused with 429; <paramref name="kind"/> says why (<see cref="ThrottleKinds"/>), and the queue
    /// is named when the refusal is about one.</summary>
    public void Throttled(string kind, string? vhost = null, string? queue = null)
    {
        var tags = new TagList { region, new("kind", kind) };
        if (vhost is not null) tags.Add("vhost", vhost);
        if (queue is not null) tags.Add("queue", queue);
        throttled.Add(1, tags);
    }

    public void Failover(string mode, string from, string to) =>
        failovers.Add(1, region, new("mode", mode), new("from", from), new("to", to));

    public void RequestCompleted(string function, int status, TimeSpan duration) =>
        requestDuration.Record(duration.TotalSeconds, region, new("function", function), new("status", status));

    /// <summary>Replaces what the gauges report: queues not in <paramref name="sampled"/> (deleted) stop being reported.</summary>
    public void Sampled(IReadOnlyList<QueueSample> sampled) => samples = sampled;

    private void Add(Counter<long> counter, long count, string vhost, string queue)
    {
        if (count > 0) counter.Add(count, region, new("vhost", vhost), new("queue", queue));
    }

    private IEnumerable<Measurement<long>> ObserveDepth()
    {
        foreach (var sample in samples)
        {
            yield return new(sample.Ready, region, new("vhost", sample.Vhost), new("queue", sample.Queue), new("state", "ready"));
            yield return new(sample.InFlight, region, new("vhost", sample.Vhost), new("queue", sample.Queue), new("state", "inFlight"));
            yield return new(sample.Delayed, region, new("vhost", sample.Vhost), new("queue", sample.Queue), new("state", "delayed"));
        }
    }

    private IEnumerable<Measurement<T>> Observe<T>(Func<QueueSample, T> value) where T : struct =>
        samples.Select(s => new Measurement<T>(value(s), region, new("vhost", s.Vhost), new("queue", s.Queue)));
}
