using Serverless.DevHost.Triggers;

namespace Serverless.UnitTests.DevHost;

public sealed class TimerScheduleTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("*/5 * * * * *", "2026-11-30T12:00:05Z")]
    [InlineData("0 */5 * * * *", "2026-11-30T12:05:00Z")]
    [InlineData("30 0 13 * * *", "2026-11-30T13:00:30Z")]
    [InlineData("00:00:07", "2026-11-30T12:00:07Z")]
    public void Next_occurrence_follows_ncrontab_with_seconds_first_or_an_interval(string expression, string next)
    {
        Assert.Equal(DateTimeOffset.Parse(next, System.Globalization.CultureInfo.InvariantCulture), TimerSchedule.Parse(expression).Next(Noon));
    }

    [Theory]
    [InlineData("*/5 * * * *")]
    [InlineData("61 * * * * *")]
    [InlineData("every minute")]
    [InlineData("-00:00:05")]
    public void Five_fields_bad_fields_and_non_positive_intervals_are_refused(string expression)
    {
        Assert.Throws<FormatException>(() => TimerSchedule.Parse(expression));
    }
}
