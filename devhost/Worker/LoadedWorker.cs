using Microsoft.Extensions.Logging;
using Serverless.DevHost.Functions;
using Serverless.DevHost.Hosting;
using Serverless.DevHost.Rpc;

namespace Serverless.DevHost.Worker;

/// <summary>A worker that has connected, initialised and loaded the app's functions: what invocations go to.</summary>
public sealed class LoadedWorker : IAsyncDisposable
{
    private readonly IReadOnlyDictionary<string, string> _functionIds;

    private LoadedWorker(WorkerProcess process, WorkerChannel channel, Uri? httpUri, IReadOnlyDictionary<string, string> functionIds)
    {
        Process = process;
        Channel = channel;
        HttpUri = httpUri;
        _functionIds = functionIds;
    }

    public WorkerProcess Process { get; }

    public WorkerChannel Channel { get; }

    /// <summary>The worker's own HTTP endpoint (its <c>HttpUri</c> capability), where HTTP requests are forwarded.</summary>
    public Uri? HttpUri { get; }

    /// <summary>Completes when the worker has died or disconnected.</summary>
    public Task Lost => Task.WhenAny(Process.Exited, Channel.Closed);

    /// <summary>The id the function was loaded under, or null when it failed to load.</summary>
    public string? FunctionId(string functionName) => _functionIds.GetValueOrDefault(functionName);

    /// <summary>Runs the host's handshake with a started worker: StartStream → WorkerInitRequest/Response → a
    /// FunctionLoadRequest/Response per function of functions.metadata. A worker that fails it is stopped.</summary>
    /// <exception cref="InvalidOperationException">The worker exited, refused to initialise, or timed out.</exception>
    public static async Task<LoadedWorker> HandshakeAsync(
        FunctionApp app, LaunchedWorker launched, WorkerConnections connections, ChildProcessRecord children,
        TimeSpan timeout, ILogger logger, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(launched);
        var process = launched.Process;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            var channel = await WhileRunningAsync(process, launched.Connected, "connect", deadline.Token);
            var init = await WhileRunningAsync(process, channel.InitializeAsync(InitRequest(app), deadline.Token), "initialise", deadline.Token);
            if (init.Result?.Status != StatusResult.Types.Status.Success)
            {
                throw new InvalidOperationException($"The worker refused to initialise: {Describe(init.Result)}");
            }

            var httpUri = init.Capabilities.TryGetValue("HttpUri", out var uri) && Uri.TryCreate(uri, UriKind.Absolute, out var parsed) ? parsed : null;
            if (httpUri is null && app.Functions.Any(f => f.IsHttp))
            {
                throw new InvalidOperationException(
                    "The worker reported no HttpUri capability: HTTP functions need the ASP.NET Core integration (ConfigureFunctionsWebApplication).");
            }

            var functionIds = await LoadFunctionsAsync(app, process, channel, logger, deadline.Token);
            return new LoadedWorker(process, channel, httpUri, functionIds);
        }
        catch (Exception ex)
        {
            var exitedOnItsOwn = process.ExitCode;
            connections.Forget(launched.WorkerId);
            await process.StopAsync();
            await process.DisposeAsync();
            children.RemoveWorker(process.ProcessId);
            if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested) throw;
            var reason = ex is OperationCanceledException ? $"it did not finish starting within {timeout.TotalSeconds:0} s" : ex.Message;
            throw new WorkerStartException(
                $"The worker (pid {process.ProcessId}) failed to start: {reason}{Environment.NewLine}{process.OutputTail}",
                connected: launched.Connected.IsCompletedSuccessfully, exitedOnItsOwn, ex);
        }
    }

    /// <summary>Asks the worker to stop, then SIGTERM and, after a grace period, SIGKILL.</summary>
    public async ValueTask DisposeAsync()
    {
        Channel.Terminate(TimeSpan.FromSeconds(5));
        await Process.StopAsync();
        await Process.DisposeAsync();
    }

    private static WorkerInitRequest InitRequest(FunctionApp app) => new()
    {
        HostVersion = typeof(LoadedWorker).Assembly.GetName().Version?.ToString() ?? "0.0.0",
        FunctionAppDirectory = app.Directory,
        WorkerDirectory = app.Directory,
    };

    private static async Task<IReadOnlyDictionary<string, string>> LoadFunctionsAsync(
        FunctionApp app, WorkerProcess process, WorkerChannel channel, ILogger logger, CancellationToken cancellationToken)
    {
        var requests = app.Functions.Select(f => FunctionLoadRequests.Create(app, f)).ToList();
        var answers = requests.Select(r => channel.LoadAsync(r, cancellationToken)).ToList();
        var loaded = await WhileRunningAsync(process, Task.WhenAll(answers), "load its functions", cancellationToken);
        var ids = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (request, answer) in requests.Zip(loaded))
        {
            if (answer.Result?.Status == StatusResult.Types.Status.Success)
            {
                ids[request.Metadata.Name] = request.FunctionId;
            }
            else
            {
                logger.LogError("Function {Function} failed to load: {Reason}", request.Metadata.Name, Describe(answer.Result));
            }
        }

        return ids;
    }

    private static async Task<T> WhileRunningAsync<T>(WorkerProcess process, Task<T> step, string what, CancellationToken cancellationToken)
    {
        var first = await Task.WhenAny(step, process.Exited).WaitAsync(cancellationToken);
        if (first != step)
        {
            throw new InvalidOperationException($"it exited with code {process.ExitCode} before it could {what}.");
        }

        return await step;
    }

    private static string Describe(StatusResult? result) =>
        result?.Exception is { } exception ? $"{exception.Type}: {exception.Message}" : result?.Result ?? "no result";
}
