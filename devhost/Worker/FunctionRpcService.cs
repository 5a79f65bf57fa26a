using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Serverless.DevHost.Rpc;

namespace Serverless.DevHost.Worker;

/// <summary>The host side of <c>FunctionRpc.EventStream</c>: the worker opens it with StartStream and keeps it
/// open for its whole life (or until devhost stops).</summary>
public sealed class FunctionRpcService(WorkerConnections connections, WorkerLogRelay logs, IHostApplicationLifetime lifetime) : FunctionRpc.FunctionRpcBase
{
    public override async Task EventStream(IAsyncStreamReader<StreamingMessage> requestStream, IServerStreamWriter<StreamingMessage> responseStream, ServerCallContext context)
    {
        if (!await requestStream.MoveNext(context.CancellationToken)) return;
        var first = requestStream.Current;
        if (first.ContentCase != StreamingMessage.ContentOneofCase.StartStream)
        {
            throw new Grpc.Core.RpcException(new Status(StatusCode.InvalidArgument, "The stream must begin with StartStream."));
        }

        var channel = new WorkerChannel(first.StartStream.WorkerId, logs);
        if (!connections.Accept(first.StartStream.WorkerId, channel))
        {
            throw new Grpc.Core.RpcException(new Status(StatusCode.PermissionDenied, $"devhost did not start a worker with id '{first.StartStream.WorkerId}'."));
        }

        // The stream ends when devhost begins to stop, so the server's graceful stop does not wait for it.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        await channel.RunAsync(requestStream, responseStream, stop.Token);
    }
}
