using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.DevHost.Functions;
using Serverless.DevHost.Hosting;

namespace Serverless.DevHost.Worker;

/// <summary>Keeps one worker running: starts it once devhost listens, and when it dies (crash, <c>kill -9</c>)
/// starts a new one after a backoff (1 s, doubling to 30 s; back to 1 s after a minute of healthy running). When the
/// very first worker cannot start, the app cannot run at all: devhost stops and says so.
/// Invocations ask it for the running worker and wait briefly while one starts.</summary>
public sealed class WorkerSupervisor(
    FunctionApp app,
    WorkerConnections connections,
    WorkerLaunchSettings launch,
    WorkerPrelaunch prelaunch,
    ChildProcessRecord children,
    IOptions<DevHostOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<WorkerSupervisor> logger) : BackgroundService
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestBackoff = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan HealthyRun = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private TaskCompletionSource<LoadedWorker> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private LoadedWorker? _current;
    private Task _stopping = Task.CompletedTask;
    private bool _stopRequested;
    private bool _everReady;

    /// <summary>Why devhost stopped without ever having a worker ready (the app cannot start: a bad setting, a missing
    /// file); null otherwise. A worker that fails after one was ready is restarted instead.</summary>
    public string? StartFailure { get; private set; }

    /// <summary>Completes when the first worker has loaded the app's functions (for the start-up banner and timing).</summary>
    public Task FirstReady { get; private set; } = Task.CompletedTask;

    /// <summary>The running worker, waiting up to <paramref name="wait"/> for one that is starting.</summary>
    /// <exception cref="WorkerUnavailableException">No worker became ready within <paramref name="wait"/>.</exception>
    public async Task<LoadedWorker> GetWorkerAsync(TimeSpan wait, CancellationToken cancellationToken = default)
    {
        Task<LoadedWorker> ready;
        lock (_gate)
        {
            ready = _ready.Task;
        }

        try
        {
            return await ready.WaitAsync(wait, cancellationToken);
        }
        catch (TimeoutException ex)
        {
            throw new WorkerUnavailableException("The function app's worker is starting; try again shortly.", ex);
        }
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        FirstReady = _ready.Task;

        // The worker's event stream is a request in flight: the server's graceful stop would wait for it until the
        // shutdown timeout. Stopping the worker as soon as devhost begins to stop ends the stream at once.
        lifetime.ApplicationStopping.Register(() => _ = StopCurrentWorkerAsync());
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await StopCurrentWorkerAsync();
        if (prelaunch.Take() is { } unused) await StopLaunchedAsync(unused);
    }

    private Task StopCurrentWorkerAsync()
    {
        lock (_gate)
        {
            _stopRequested = true;
            if (_current is { } current)
            {
                _current = null;
                _stopping = StopWorkerAsync(current);
            }

            return _stopping;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var prelaunched = prelaunch.Take();

        // A worker dials devhost's gRPC endpoint: start one only once devhost listens (the pre-launched one is
        // slower to start than devhost's server).
        if (prelaunched is null) await WhenStartedAsync(stoppingToken);
        var backoff = FirstBackoff;
        while (!stoppingToken.IsCancellationRequested)
        {
            var clock = Stopwatch.StartNew();
            var wasPrelaunched = prelaunched is not null;
            LoadedWorker worker;
            try
            {
                var launched = prelaunched ?? LaunchedWorker.Start(launch.StartInfo, connections, children);
                prelaunched = null;
                worker = await LoadedWorker.HandshakeAsync(
                    app, launched, connections, children, TimeSpan.FromSeconds(options.Value.WorkerStartTimeoutSeconds), logger, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (WorkerStartException ex) when (wasPrelaunched && !ex.Connected && !ex.Refused)
            {
                // It dialled before devhost listened (a heavily loaded machine): start the next one at once.
                logger.LogDebug("The worker started alongside devhost could not connect: {Reason}", ex.Message);
                await WhenStartedAsync(stoppingToken);
                continue;
            }
            catch (InvalidOperationException ex) when (!_everReady)
            {
                // The app never started: retrying cannot fix a bad setting. Its own output (above) says why.
                StartFailure = ex.Message.Split(Environment.NewLine)[0] + " Its output is above.";
                logger.LogDebug("{Reason}", ex.Message);
                lifetime.StopApplication();
                return;
            }
            catch (InvalidOperationException ex)
            {
                logger.LogError("{Reason} Trying again in {Backoff} s.", ex.Message, backoff.TotalSeconds);
                await DelayAsync(backoff, stoppingToken);
                backoff = Next(backoff);
                continue;
            }

            logger.LogInformation("Worker started (pid {Pid}) and loaded its functions in {Elapsed} ms", worker.Process.ProcessId, clock.ElapsedMilliseconds);
            lock (_gate)
            {
                _everReady = true;
                _current = worker;
                _ready.TrySetResult(worker);
            }

            await Task.WhenAny(worker.Lost, Task.Delay(Timeout.Infinite, stoppingToken));
            lock (_gate)
            {
                // Stopping: StopCurrentWorkerAsync owns the worker now.
                if (_stopRequested || stoppingToken.IsCancellationRequested || _current != worker) return;
                _current = null;
                _ready = new TaskCompletionSource<LoadedWorker>(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            await StopWorkerAsync(worker);
            if (clock.Elapsed > HealthyRun) backoff = FirstBackoff;
            logger.LogError("The worker (pid {Pid}) stopped unexpectedly (exit code {ExitCode}); restarting it in {Backoff} s",
                worker.Process.ProcessId, worker.Process.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none", backoff.TotalSeconds);
            await DelayAsync(backoff, stoppingToken);
            backoff = Next(backoff);
        }
    }

    private async Task StopLaunchedAsync(LaunchedWorker launched)
    {
        connections.Forget(launched.WorkerId);
        await launched.Process.StopAsync();
        await launched.Process.DisposeAsync();
        children.RemoveWorker(launched.Process.ProcessId);
    }

    private async Task StopWorkerAsync(LoadedWorker worker)
    {
        await worker.DisposeAsync();
        children.RemoveWorker(worker.Process.ProcessId);
    }

    private Task WhenStartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        return started.Task.WaitAsync(stoppingToken);
    }

    private static TimeSpan Next(TimeSpan backoff) => backoff * 2 > LongestBackoff ? LongestBackoff : backoff * 2;

    private static async Task DelayAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, stoppingToken);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}
