using System.Collections.Concurrent;
using Serverless.DevHost.Functions;
using Serverless.DevHost.Worker;

namespace Serverless.DevHost.Triggers;

/// <summary>Runs timer functions, one run of a function at a time whoever asks (its schedule or the admin route),
/// and remembers each function's last run for the TimerInfo it passes.</summary>
public sealed class TimerRunner(FunctionInvoker invoker)
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastRuns = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Runs <paramref name="function"/> once, after any run of it still going.</summary>
    /// <exception cref="WorkerUnavailableException">No worker was ready.</exception>
    public async Task<InvocationOutcome> RunAsync(FunctionDescription function, DateTimeOffset? next, bool isPastDue, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(function);
        var gate = _gates.GetOrAdd(function.Name, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            DateTimeOffset? last = _lastRuns.TryGetValue(function.Name, out var previous) ? previous : null;
            var firing = new TimerFiring(last, next, isPastDue);
            _lastRuns[function.Name] = DateTimeOffset.UtcNow;
            return await invoker.InvokeAsync(
                function, (functionId, invocationId) => InvocationRequests.ForTimer(functionId, invocationId, function.Trigger.Name, firing), cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }
}
