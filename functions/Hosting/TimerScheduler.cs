using Cronos;

namespace Serverless.Functions.Hosting;

/// <summary>Standalone only: fires the timer functions on their own schedules, as the Functions host
/// does in Azure, so a laptop runs exactly what Azure runs. One run of a function at a time.</summary>
public sealed class TimerScheduler(IServiceScopeFactory scopes, TimeProvider time, ILogger<TimerScheduler> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(FunctionCatalog.All.Where(f => f.Kind == TriggerKind.Timer).Select(f => RunOnScheduleAsync(f, stoppingToken)));

    private async Task RunOnScheduleAsync(FunctionDescriptor function, CancellationToken stoppingToken)
    {
        var schedule = CronExpression.Parse(function.Timer!.Schedule, CronFormat.IncludeSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var next = schedule.GetNextOccurrence(now, TimeZoneInfo.Utc);
            if (next is null) return;
            try
            {
                await Task.Delay(next.Value - now, time, stoppingToken);
                await using var scope = scopes.CreateAsyncScope();
                var result = await ((ITimerFunction)scope.ServiceProvider.GetRequiredService(function.Type)).RunAsync(stoppingToken);
                logger.LogDebug("{Function}: {Result}", function.Name, result);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // A failed run is retried at the next occurrence, as the Functions host does.
                logger.LogWarning(exception, "Timer function {Function} failed.", function.Name);
            }
        }
    }
}
