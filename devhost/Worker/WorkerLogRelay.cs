using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Serverless.DevHost.Rpc;

namespace Serverless.DevHost.Worker;

/// <summary>Writes the worker's logs (RpcLog messages: the functions' ILogger output travels to the host this way)
/// to devhost's own logging, under the worker's categories, as the host does. A record written during an invocation
/// carries its invocation id (the worker takes it from the scope it opens per invocation): it is kept as the
/// <c>InvocationId</c> property and shown at the end of the line, so a log line leads to its invocation.</summary>
public sealed class WorkerLogRelay(ILoggerFactory loggers)
{
    private readonly ConcurrentDictionary<string, ILogger> _byCategory = new(StringComparer.Ordinal);
    private readonly ILogger _host = loggers.CreateLogger("Serverless.DevHost.Worker");

    public void Write(RpcLog log)
    {
        var logger = _byCategory.GetOrAdd(string.IsNullOrEmpty(log.Category) ? "Worker" : log.Category, loggers.CreateLogger);
        var level = Level(log.Level);
        if (!logger.IsEnabled(level)) return;
        var invocation = string.IsNullOrEmpty(log.InvocationId) ? "" : $" (invocation {log.InvocationId})";
        using var scope = string.IsNullOrEmpty(log.InvocationId) ? null : logger.BeginScope(new Dictionary<string, object> { ["InvocationId"] = log.InvocationId });
        if (log.Exception is { } exception)
        {
#pragma warning disable CA2254 // The worker's message is already formatted.
            logger.Log(level, "{Message}{Invocation}{NewLine}{ExceptionType}: {ExceptionMessage}{NewLine}{StackTrace}",
                log.Message, invocation, Environment.NewLine, exception.Type, exception.Message, Environment.NewLine, exception.StackTrace);
        }
        else
        {
            logger.Log(level, "{Message}{Invocation}", log.Message, invocation);
#pragma warning restore CA2254
        }
    }

    public void Unexpected(string workerId, string messageType) =>
        _host.LogDebug("Worker {WorkerId} sent {MessageType}, which devhost does not use", workerId, messageType);

    private static LogLevel Level(RpcLog.Types.Level level) => level switch
    {
        RpcLog.Types.Level.Trace => LogLevel.Trace,
        RpcLog.Types.Level.Debug => LogLevel.Debug,
        RpcLog.Types.Level.Information => LogLevel.Information,
        RpcLog.Types.Level.Warning => LogLevel.Warning,
        RpcLog.Types.Level.Error => LogLevel.Error,
        RpcLog.Types.Level.Critical => LogLevel.Critical,
        _ => LogLevel.None,
    };
}
