using Microsoft.Extensions.Time.Testing;
using Serverless.Messages;

namespace Serverless.UnitTests.Messages;

public class SequenceGeneratorTests
{
    [Fact]
    public void Sequences_increase_strictly_even_when_the_clock_stands_still()
    {
        var generator = new SequenceGenerator(new FakeTimeProvider(DateTimeOffset.Parse("2026-11-23T10:00:00Z")));
        var sequences = Enumerable.Range(0, 1000).Select(_ => generator.Next()).ToList();
        Assert.Equal(sequences.Order(StringComparer.Ordinal), sequences);
        Assert.Equal(sequences.Count, sequences.Distinct().Count());
    }

    [Fact]
    public void Sequences_from_concurrent_callers_are_unique()
    {
        var generator = new SequenceGenerator(TimeProvider.System);
        var sequences = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 10_000, _ => sequences.Add(generator.Next()));
        Assert.Equal(10_000, sequences.Distinct().Count());
    }
}
