namespace Serverless.DevHost.Worker;

/// <summary>A worker did not get through the host's handshake; it has been stopped.</summary>
/// <param name="connected">Whether it had opened its event stream before it failed.</param>
public sealed class WorkerStartException(string message, bool connected, Exception? innerException = null)
    : InvalidOperationException(message, innerException)
{
    public bool Connected { get; } = connected;
}
