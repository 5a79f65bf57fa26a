using System.Text.Json;

namespace Serverless.DevHost.Triggers;

/// <summary>One firing of a timer function, as the host describes it to the function (TimerInfo).</summary>
/// <param name="Last">When the function last fired in this devhost; null before the first firing.</param>
/// <param name="Next">The next occurrence of the schedule after this one.</param>
/// <param name="IsPastDue">True when the firing is later than its occurrence by more than the schedule allows.</param>
public sealed record TimerFiring(DateTimeOffset? Last, DateTimeOffset? Next, bool IsPastDue)
{
    /// <summary>The TimerInfo the host sends: <c>{"Schedule":{...},"ScheduleStatus":{"Last","Next","LastUpdated"},"IsPastDue"}</c>.</summary>
    public string ToTimerInfoJson() => JsonSerializer.Serialize(new
    {
        Schedule = new { AdjustForDST = true },
        ScheduleStatus = new
        {
            Last = (Last ?? DateTimeOffset.MinValue).UtcDateTime,
            Next = (Next ?? DateTimeOffset.MinValue).UtcDateTime,
            LastUpdated = DateTime.UtcNow,
        },
        IsPastDue,
    });
}
