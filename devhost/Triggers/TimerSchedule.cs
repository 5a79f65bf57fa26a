using System.Globalization;
using Cronos;

namespace Serverless.DevHost.Triggers;

/// <summary>A timer trigger's schedule: an NCRONTAB expression with six fields (seconds first), as the Functions
/// host reads it, or a fixed interval written as a TimeSpan (<c>00:05:00</c>). Occurrences are in UTC.</summary>
public sealed class TimerSchedule
{
    private readonly CronExpression? _cron;
    private readonly TimeSpan? _interval;

    private TimerSchedule(string expression, CronExpression? cron, TimeSpan? interval)
    {
        Expression = expression;
        _cron = cron;
        _interval = interval;
    }

    public string Expression { get; }

    /// <exception cref="FormatException">Neither a six-field NCRONTAB expression nor a positive TimeSpan.</exception>
    public static TimerSchedule Parse(string expression)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(expression);
        var trimmed = expression.Trim();
        if (trimmed.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6)
        {
            try
            {
                return new TimerSchedule(trimmed, CronExpression.Parse(trimmed, CronFormat.IncludeSeconds), null);
            }
            catch (CronFormatException ex)
            {
                throw new FormatException($"'{expression}' is not a valid NCRONTAB schedule: {ex.Message}", ex);
            }
        }

        if (TimeSpan.TryParse(trimmed, CultureInfo.InvariantCulture, out var interval) && interval > TimeSpan.Zero)
        {
            return new TimerSchedule(trimmed, null, interval);
        }

        throw new FormatException($"'{expression}' is neither an NCRONTAB schedule with six fields (seconds first) nor a TimeSpan.");
    }

    /// <summary>The first occurrence strictly after <paramref name="after"/>; null when the schedule never fires again.</summary>
    public DateTimeOffset? Next(DateTimeOffset after) =>
        _cron is not null ? _cron.GetNextOccurrence(after, TimeZoneInfo.Utc) : after + _interval!.Value;

    public override string ToString() => Expression;
}
