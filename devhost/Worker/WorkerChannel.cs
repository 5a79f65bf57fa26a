using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Serverless.DevHost.Rpc;

namespace Serverless.DevHost.Worker;

/// <summary>The event stream of one connected worker: the messages devhost sends it (written by one writer, as
/// gRPC requires) and the answers it waits for (init, function loads, invocations), matched by id.</summary>
public sealed class WorkerChannel
{
    private readonly Channel<StreamingMessage> _outbound = Channel.CreateUnbounded<StreamingMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, TaskCompletionSource<InvocationResponse>> _invocations = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<FunctionLoadResponse>> _loads = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource<WorkerInitResponse> _init = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly WorkerLogRelay _logs;

    public WorkerChannel(string workerId, WorkerLogRelay logs)
    {
        WorkerId = workerId;
        _logs = logs;
    }

    public string WorkerId { get; }

    /// <summary>Completes when the stream has ended (the worker disconnected or died).</summary>
    public Task Closed => _closed.Task;

    /// <summary>Pumps the stream until the worker disconnects or <paramref name="cancellationToken"/> fires, then fails
    /// every answer still awaited.</summary>
    public async Task RunAsync(IAsyncStreamReader<StreamingMessage> fromWorker, IServerStreamWriter<StreamingMessage> toWorker, CancellationToken cancellationToken = default)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var writing = WriteAsync(toWorker, stop.Token);
        try
        {
            while (await fromWorker.MoveNext(stop.Token))
            {
                Dispatch(fromWorker.Current);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or Grpc.Core.RpcException or IOException or InvalidOperationException)
        {
            // The worker went away (or devhost is stopping): the stream is over either way.
        }
        finally
        {
            _outbound.Writer.TryComplete();
            await stop.CancelAsync();
            try
            {
                await writing;
            }
            catch (Exception ex) when (ex is OperationCanceledException or Grpc.Core.RpcException or IOException or InvalidOperationException)
            {
                // Nothing more can reach the worker.
            }

            Close();
        }
    }

    public Task<WorkerInitResponse> InitializeAsync(WorkerInitRequest request, CancellationToken cancellationToken = default)
    {
        Send(new StreamingMessage { RequestId = NewId(), WorkerInitRequest = request });
        return _init.Task.WaitAsync(cancellationToken);
    }

    public Task<FunctionLoadResponse> LoadAsync(FunctionLoadRequest request, CancellationToken cancellationToken = default)
    {
        var answer = _loads.GetOrAdd(request.FunctionId, _ => new TaskCompletionSource<FunctionLoadResponse>(TaskCreationOptions.RunContinuationsAsynchronously));
        Send(new StreamingMessage { RequestId = NewId(), FunctionLoadRequest = request });
        return answer.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Sends the invocation and returns its response. Cancelling sends an InvocationCancel and stops waiting.</summary>
    /// <exception cref="WorkerUnavailableException">The worker disconnected before it answered.</exception>
    public async Task<InvocationResponse> InvokeAsync(InvocationRequest request, CancellationToken cancellationToken = default)
    {
        var answer = new TaskCompletionSource<InvocationResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_invocations.TryAdd(request.InvocationId, answer)) throw new InvalidOperationException($"Invocation {request.InvocationId} is already running.");
        if (_closed.Task.IsCompleted) answer.TrySetException(Disconnected());
        try
        {
            Send(new StreamingMessage { RequestId = NewId(), InvocationRequest = request });
            return await answer.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Send(new StreamingMessage { RequestId = NewId(), InvocationCancel = new InvocationCancel { InvocationId = request.InvocationId } });
            throw;
        }
        finally
        {
            _invocations.TryRemove(request.InvocationId, out _);
        }
    }

    /// <summary>Asks the worker to stop itself (it stops its host), as the host does before it ends a worker.</summary>
    public void Terminate(TimeSpan gracePeriod) =>
        Send(new StreamingMessage
        {
            RequestId = NewId(),
            WorkerTerminate = new WorkerTerminate { GracePeriod = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(gracePeriod) },
        });

    private void Send(StreamingMessage message) => _outbound.Writer.TryWrite(message);

    private async Task WriteAsync(IServerStreamWriter<StreamingMessage> toWorker, CancellationToken cancellationToken)
    {
        await foreach (var message in _outbound.Reader.ReadAllAsync(cancellationToken))
        {
            await toWorker.WriteAsync(message, cancellationToken);
        }
    }

    private void Dispatch(StreamingMessage message)
    {
        switch (message.ContentCase)
        {
            case StreamingMessage.ContentOneofCase.RpcLog:
                _logs.Write(message.RpcLog);
                break;
            case StreamingMessage.ContentOneofCase.WorkerInitResponse:
                _init.TrySetResult(message.WorkerInitResponse);
                break;
            case StreamingMessage.ContentOneofCase.FunctionLoadResponse:
                var load = message.FunctionLoadResponse;
                _loads.GetOrAdd(load.FunctionId, _ => new TaskCompletionSource<FunctionLoadResponse>(TaskCreationOptions.RunContinuationsAsynchronously))
                    .TrySetResult(load);
                break;
            case StreamingMessage.ContentOneofCase.InvocationResponse:
                if (_invocations.TryGetValue(message.InvocationResponse.InvocationId, out var invocation))
                {
                    invocation.TrySetResult(message.InvocationResponse);
                }

                break;
            case StreamingMessage.ContentOneofCase.WorkerStatusRequest:
                Send(new StreamingMessage { RequestId = message.RequestId, WorkerStatusResponse = new WorkerStatusResponse() });
                break;
            default:
                _logs.Unexpected(WorkerId, message.ContentCase.ToString());
                break;
        }
    }

    private void Close()
    {
        _closed.TrySetResult();
        _init.TrySetException(Disconnected());
        foreach (var load in _loads.Values) load.TrySetException(Disconnected());
        foreach (var invocation in _invocations.Values) invocation.TrySetException(Disconnected());
    }

    private WorkerUnavailableException Disconnected() => new($"Worker {WorkerId} disconnected.");

    private static string NewId() => Guid.NewGuid().ToString();
}
