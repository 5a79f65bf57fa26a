using Serverless.Messages;

namespace Serverless.Routing;

/// <summary>
/// RabbitMQ's dead-letter cycle rule (<c>mc:is_death_cycle</c>): a message dead-lettered into a queue
/// it already died in is dropped instead of delivered when no client rejected it since, so a queue
/// whose expired or overflowing messages route back to itself (directly or through other queues)
/// does not loop forever. A rejection anywhere in the cycle keeps the message: that is the retry
/// pattern (work queue rejects → wait queue with a TTL → back to the work queue).
/// </summary>
public static class DeadLetterCycles
{
    /// <summary>
    /// Whether delivering the dead-lettered copy to <paramref name="targetQueue"/> would close an
    /// automatic cycle. <paramref name="deaths"/> are the copy's deaths with this death already
    /// recorded (<see cref="Death.Record"/>'s result), newest first; <paramref name="reason"/> is this
    /// death's reason. A cycle is a death in <paramref name="targetQueue"/> with no rejection from it
    /// (inclusive) up to now; a rejection now is never a cycle.
    /// </summary>
    public static bool IsCycle(IReadOnlyList<Death> deaths, string targetQueue, string reason)
    {
        ArgumentNullException.ThrowIfNull(deaths);
        ArgumentNullException.ThrowIfNull(targetQueue);
        if (reason == Death.Rejected) return false;
        foreach (var death in deaths)
        {
            if (death.Reason == Death.Rejected) return false;
            if (death.Queue == targetQueue) return true;
        }
        return false;
    }
}
