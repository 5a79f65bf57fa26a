using CsCheck;
using Serverless.Messages;
using Serverless.Routing;

namespace Serverless.UnitTests.Routing;

/// <summary>issue 8, item 22: RabbitMQ drops a dead-lettered message whose route leads back into a queue
/// it died in, unless a client rejected it somewhere in that cycle. The scenarios marked 3.10 were run
/// against RabbitMQ 3.10.8 with the same outcome.</summary>
public class DeadLetterCyclesTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.UnixEpoch;

    [Fact]
    public void A_message_expiring_back_into_its_own_queue_is_a_cycle() => // 3.10: dropped
        Assert.True(IsCycleAfter([("q", Death.Expired)], "q"));

    [Fact]
    public void A_message_overflowing_back_into_its_own_queue_is_a_cycle() => // 3.10: dropped (x-max-length, drop-head)
        Assert.True(IsCycleAfter([("q", Death.MaxLength)], "q"));

    [Fact]
    public void A_message_reaching_its_delivery_limit_back_into_its_own_queue_is_a_cycle() => // 3.10 quorum queue: dropped
        Assert.True(IsCycleAfter([("q", Death.DeliveryLimit)], "q"));

    [Fact]
    public void An_expiry_loop_through_two_queues_is_a_cycle() => // 3.10: a expires → b expires → back to a: dropped
        Assert.True(IsCycleAfter([("a", Death.Expired), ("b", Death.Expired)], "a"));

    [Fact]
    public void A_rejected_message_routed_back_into_its_own_queue_is_not_a_cycle() => // 3.10: delivered
        Assert.False(IsCycleAfter([("q", Death.Rejected)], "q"));

    [Fact]
    public void The_retry_pattern_is_not_a_cycle() => // 3.10: work rejects → wait expires → back to work: delivered
        Assert.False(IsCycleAfter([("work", Death.Rejected), ("wait", Death.Expired)], "work"));

    [Fact]
    public void An_expiry_loop_after_a_rejection_elsewhere_is_a_cycle() =>
        // a rejects → b expires → c expires → back to b: nothing rejected it since it died in b. RabbitMQ
        // 3.13+ drops it; 3.10 loops forever because its x-death order is unreliable (mc.erl, is_cycle_v1).
        Assert.True(IsCycleAfter([("a", Death.Rejected), ("b", Death.Expired), ("c", Death.Expired)], "b"));

    [Fact]
    public void A_queue_the_message_never_died_in_is_not_a_cycle() =>
        Assert.False(IsCycleAfter([("a", Death.Expired), ("b", Death.Expired)], "c"));

    [Fact]
    public void A_repeated_death_counts_as_the_latest_one() =>
        // a expires → b rejects → a expires again: the entry (a, expired) moves to the front, so b's
        // rejection is older than the latest death in a, and routing to a again is a cycle.
        Assert.True(IsCycleAfter([("a", Death.Expired), ("b", Death.Rejected), ("a", Death.Expired)], "a"));

    [Fact]
    public void Is_cycle_agrees_with_the_rule_over_the_full_history()
    {
        var queues = Gen.OneOf(Gen.Const("a"), Gen.Const("b"), Gen.Const("c"), Gen.Const("d"));
        var reasons = Gen.OneOf(Gen.Const(Death.Rejected), Gen.Const(Death.Expired), Gen.Const(Death.MaxLength), Gen.Const(Death.DeliveryLimit));
        var history = Gen.Select(queues, reasons).Array[1, 12];
        var targets = Gen.OneOf(queues, Gen.Const("e"));
        Gen.Select(history, targets).Sample((events, target) =>
            DeadLetterCycles.IsCycle(Record(events), target, events[^1].Item2) == CycleInHistory(events, target),
            iter: 20_000);
    }

    // The rule on the full, uncompressed history: the message died in the target before, and nothing
    // since that death (that death included) was a rejection.
    private static bool CycleInHistory((string Queue, string Reason)[] events, string target)
    {
        var last = Array.FindLastIndex(events, e => e.Queue == target);
        return last >= 0 && events[last..].All(e => e.Reason != Death.Rejected);
    }

    private static bool IsCycleAfter((string Queue, string Reason)[] events, string target) =>
        DeadLetterCycles.IsCycle(Record(events), target, events[^1].Reason);

    private static IReadOnlyList<Death> Record((string Queue, string Reason)[] events) =>
        events.Aggregate((IReadOnlyList<Death>)[], (deaths, e) => Death.Record(deaths, e.Queue, e.Reason, At, "dlx", "key"));
}
