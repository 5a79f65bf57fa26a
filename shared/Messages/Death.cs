namespace Serverless.Messages;

/// <summary>RabbitMQ's x-death entry: one per (queue, reason), the most recent first.</summary>
public sealed record Death(string Queue, string Reason, long Count, DateTimeOffset Time, string Exchange, IReadOnlyList<string> RoutingKeys)
{
    public const string Rejected = "rejected", Expired = "expired", MaxLength = "maxlen", DeliveryLimit = "delivery_limit";

    /// <summary>The deaths after one more: the entry for (queue, reason) counts up and moves to the front.</summary>
    public static IReadOnlyList<Death> Record(IReadOnlyList<Death> deaths, string queue, string reason, DateTimeOffset time, string exchange, string routingKey)
    {
        var existing = deaths.FirstOrDefault(d => d.Queue == queue && d.Reason == reason);
        var entry = existing is null
            ? new Death(queue, reason, 1, time, exchange, [routingKey])
            : existing with { Count = existing.Count + 1, Time = time };
        return [entry, .. deaths.Where(d => !ReferenceEquals(d, existing))];
    }
}
