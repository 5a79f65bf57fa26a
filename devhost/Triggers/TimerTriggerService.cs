using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serverless.DevHost.Functions;
using Serverless.DevHost.Worker;

namespace Serverless.DevHost.Triggers;

/// <summary>Fires each timer function on the schedule functions.metadata gives it, as the host does: a failed run is
/// logged and the function runs again at its next occurrence; a run still going when the next occurrence comes
/// delays that one (never two runs at once).</summary>
public sealed class TimerTriggerService(
    FunctionApp app, TimerRunner runner, IConfiguration configuration, TimeProvider time, ILogger<TimerTriggerService> logger) : BackgroundService
{
    /// <summary>A firing later than its occurrence by more than this is reported as past due.</summary>
    private static readonly TimeSpan PastDueTolerance = TimeSpan.FromSeconds(5);

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var timers = new List<Task>();
        foreach (var function in app.Functions.Where(f => f.IsTimer))
        {
            TimerSchedule schedule;
            try
            {
                schedule = Schedule(function, configuration);
            }
            catch (Exception ex) when (ex is FormatException or InvalidOperationException)
            {
                logger.LogError("Timer function {Function} will not run: {Reason}", function.Name, ex.Message);
                continue;
            }

            timers.Add(RunOnScheduleAsync(function, schedule, stoppingToken));
        }

        return Task.WhenAll(timers);
    }

    /// <summary>The function's schedule, with a <c>%setting%</c> resolved.</summary>
    /// <exception cref="FormatException">The schedule is malformed.</exception>
    /// <exception cref="InvalidOperationException">It names an app setting that is not configured.</exception>
    public static TimerSchedule Schedule(FunctionDescription function, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(function);
        var expression = function.Trigger.Schedule ?? throw new FormatException("The timer trigger has no schedule.");
        return TimerSchedule.Parse(AppSettingExpressions.Resolve(expression, configuration));
    }

    private async Task RunOnScheduleAsync(FunctionDescription function, TimerSchedule schedule, CancellationToken stoppingToken)
    {
        if (function.Trigger.RunOnStartup)
        {
            await FireAsync(function, schedule.Next(time.GetUtcNow()), isPastDue: false, stoppingToken);
        }

        var after = time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            if (schedule.Next(after) is not { } occurrence) return;
            var wait = occurrence - time.GetUtcNow();
            try
            {
                if (wait > TimeSpan.Zero) await Task.Delay(wait, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var now = time.GetUtcNow();
            await FireAsync(function, schedule.Next(occurrence), now - occurrence > PastDueTolerance, stoppingToken);

            // Occurrences missed while the run went on are skipped, as the host does (the next run reports past due).
            after = occurrence > time.GetUtcNow() ? occurrence : time.GetUtcNow();
        }
    }

    private async Task FireAsync(FunctionDescription function, DateTimeOffset? next, bool isPastDue, CancellationToken stoppingToken)
    {
        try
        {
            await runner.RunAsync(function, next, isPastDue, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        catch (WorkerUnavailableException ex)
        {
            logger.LogWarning("Timer function {Function} did not run: {Reason} It runs at its next occurrence.", function.Name, ex.Message);
        }
    }
}
