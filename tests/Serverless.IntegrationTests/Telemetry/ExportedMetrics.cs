using OpenTelemetry;
using OpenTelemetry.Metrics;
using Serverless.Telemetry;

namespace Serverless.IntegrationTests.Telemetry;

/// <summary>An OpenTelemetry meter provider listening to the meter <c>Serverless</c> with the in-memory exporter, read
/// after a flush: the last exported value of an instrument, summed over the points whose tags match. Only the points of
/// one <c>region</c> are read, so engines of other tests running in this process (same meter name) do not count.</summary>
internal sealed class ExportedMetrics : IDisposable
{
    private readonly List<MetricSnapshot> exported = [];
    private readonly MeterProvider provider;
    private readonly string region;

    public ExportedMetrics(string region)
    {
        this.region = region;
        provider = Sdk.CreateMeterProviderBuilder().AddMeter(ServiceMetrics.MeterName).AddInMemoryExporter(exported).Build();
    }

    /// <summary>Collects every instrument now (observable gauges are observed here).</summary>
    public void Flush()
    {
        lock (exported) exported.Clear();
        Assert.True(provider.ForceFlush(10_000), "the meter provider did not flush");
    }

    public long Sum(string instrument, params (string Key, object Value)[] tags) =>
        Points(instrument, tags).Sum(p => p.GetSumLong());

    public long Gauge(string instrument, params (string Key, object Value)[] tags) =>
        Points(instrument, tags).Sum(p => p.GetGaugeLastValueLong());

    public double GaugeDouble(string instrument, params (string Key, object Value)[] tags) =>
        Points(instrument, tags).Sum(p => p.GetGaugeLastValueDouble());

    /// <summary>Every tag set recorded for the instrument in this region, e.g. to see that nothing else was counted.</summary>
    public IReadOnlyList<Dictionary<string, object?>> TagSets(string instrument) =>
        Points(instrument, []).Select(p => Tags(p)).ToList();

    private List<MetricPoint> Points(string instrument, (string Key, object Value)[] tags)
    {
        MetricSnapshot? last;
        lock (exported) last = exported.LastOrDefault(m => m.Name == instrument);
        if (last is null) return [];
        return last.MetricPoints
            .Where(p => Tags(p) is var all && Equals(all.GetValueOrDefault("region"), region) && tags.All(t => Equals(all.GetValueOrDefault(t.Key), t.Value)))
            .ToList();
    }

    private static Dictionary<string, object?> Tags(MetricPoint point)
    {
        var tags = new Dictionary<string, object?>();
        foreach (var tag in point.Tags) tags[tag.Key] = tag.Value;
        return tags;
    }

    public void Dispose() => provider.Dispose();
}
