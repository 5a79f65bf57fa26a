using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.DevHost.Functions;
using Serverless.DevHost.Hosting;
using Serverless.DevHost.Rpc;

namespace Serverless.DevHost.Worker;

/// <summary>Runs a function of the app in the running worker and waits for its InvocationResponse, within the app's
/// <c>functionTimeout</c>; for timers, queues and the admin route (HTTP requests go through the forwarder).</summary>
public sealed class FunctionInvoker(
    WorkerSupervisor workers, FunctionApp app, IOptions<DevHostOptions> options, IHostApplicationLifetime lifetime, ILogger<FunctionInvoker> logger)
{
    /// <summary>Invokes <paramref name="function"/> with the request <paramref name="build"/> makes from the function id
    /// and a new invocation id. A failed function, a dead worker or a timeout is an unsuccessful outcome, not an exception.</summary>
    /// <exception cref="WorkerUnavailableException">No worker was ready within <c>DevHost:WorkerWaitSeconds</c>.</exception>
    public async Task<InvocationOutcome> InvokeAsync(
        FunctionDescription function, Func<string, string, InvocationRequest> build, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(build);
        var worker = await workers.GetWorkerAsync(TimeSpan.FromSeconds(options.Value.WorkerWaitSeconds), cancellationToken);
        var invocationId = Guid.NewGuid().ToString();
        var functionId = worker.FunctionId(function.Name);
        if (functionId is null) return new InvocationOutcome(invocationId, false, $"Function '{function.Name}' failed to load in the worker.", TimeSpan.Zero);

        var clock = Stopwatch.StartNew();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(app.Host.FunctionTimeout);
        logger.LogDebug("Executing '{Function}' (Id={InvocationId})", function.Name, invocationId);
        InvocationOutcome outcome;
        try
        {
            var response = await worker.Channel.InvokeAsync(build(functionId, invocationId), timeout.Token);
            outcome = response.Result?.Status == StatusResult.Types.Status.Success
                ? new InvocationOutcome(invocationId, true, null, clock.Elapsed)
                : new InvocationOutcome(invocationId, false, Describe(response.Result), clock.Elapsed);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            outcome = new InvocationOutcome(invocationId, false, $"Timed out after {app.Host.FunctionTimeout} (functionTimeout).", clock.Elapsed);
        }
        catch (WorkerUnavailableException ex)
        {
            outcome = new InvocationOutcome(invocationId, false, ex.Message, clock.Elapsed);
        }

        if (outcome.Succeeded)
        {
            logger.LogDebug("Executed '{Function}' (Succeeded, Id={InvocationId}, Duration={Duration}ms)",
                function.Name, invocationId, (long)outcome.Duration.TotalMilliseconds);
        }
        else if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // devhost is stopping its worker: not a failure of the function.
            logger.LogDebug("'{Function}' (Id={InvocationId}) ended as devhost stopped: {Failure}", function.Name, invocationId, outcome.Failure);
        }
        else
        {
            logger.LogError("Executed '{Function}' (Failed, Id={InvocationId}, Duration={Duration}ms): {Failure}",
                function.Name, invocationId, (long)outcome.Duration.TotalMilliseconds, outcome.Failure);
        }

        return outcome;
    }

    internal static string Describe(StatusResult? result) =>
        result?.Exception is { } exception
            ? $"{exception.Type}: {exception.Message}"
            : string.IsNullOrEmpty(result?.Result) ? "the worker reported a failure" : result.Result;
}
