using System.Text.Json;
using Serverless.Events;

namespace Serverless.UnitTests.Events;

public sealed class DomainEventTests
{
    private static readonly DateTimeOffset SomeTime = new(2026, 11, 23, 14, 21, 11, TimeSpan.FromHours(2));

    [Fact]
    public void Time_is_cut_to_the_millisecond_in_utc()
    {
        var at = SomeTime.AddTicks(15_678); // 1.5678 ms later

        var created = DomainEvent.Create(EventTypes.QueueCreated, "/vhosts/default/queues/q", new { queue = "q" }, at);

        Assert.Equal(TimeSpan.Zero, created.Time.Offset);
        Assert.Equal(SomeTime.AddMilliseconds(1).UtcDateTime, created.Time.UtcDateTime);
    }

    [Fact]
    public void Ids_are_unique_and_sort_as_time_then_creation()
    {
        var created = new List<DomainEvent>();
        for (var i = 0; i < 1000; i++)
        {
            // Ten events per millisecond: order within a millisecond comes from creation.
            created.Add(DomainEvent.Create(EventTypes.QueueDeleted, "/vhosts/default/queues/q", new { i }, SomeTime.AddMilliseconds(i / 10)));
        }

        Assert.Equal(created.Count, created.Select(e => e.Id).Distinct().Count());
        Assert.Equal(created.Select(e => e.Id), created.Select(e => e.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_id_of_an_event_at_or_after_a_time_sorts_at_or_after_its_prefix()
    {
        var before = DomainEvent.Create(EventTypes.QueueCreated, "/s", new { }, SomeTime.AddTicks(-1));
        var at = DomainEvent.Create(EventTypes.QueueCreated, "/s", new { }, SomeTime);
        var prefix = DomainEvent.IdPrefix(SomeTime);

        Assert.True(string.CompareOrdinal(before.Id, prefix) < 0, $"{before.Id} < {prefix}");
        Assert.True(string.CompareOrdinal(at.Id, prefix) >= 0, $"{at.Id} >= {prefix}");
        Assert.StartsWith(prefix, at.Id);
    }

    [Fact]
    public void Data_is_a_json_object_with_the_api_names()
    {
        var created = DomainEvent.Create(EventTypes.QueueCreated, "/s", new { VhostName = "default", MaxLength = 5 }, SomeTime);

        Assert.Equal(JsonValueKind.Object, created.Data.ValueKind);
        Assert.Equal("default", created.Data.GetProperty("vhostName").GetString());
        Assert.Equal(5, created.Data.GetProperty("maxLength").GetInt32());
    }

    [Fact]
    public void Data_that_is_not_an_object_is_refused() =>
        Assert.Throws<ArgumentException>(() => DomainEvent.Create(EventTypes.QueueCreated, "/s", new[] { 1, 2 }, SomeTime));

    [Fact]
    public void Data_larger_than_the_limit_is_refused() =>
        Assert.Throws<ArgumentException>(() => DomainEvent.Create(EventTypes.QueueCreated, "/s", new { text = new string('x', DomainEvent.MaxDataLength) }, SomeTime));
}
