namespace Serverless.DevHost.Worker;

/// <summary>A worker did not get through the host's handshake; it has been stopped.</summary>
/// <param name="connected">Whether it had opened its event stream before it failed.</param>
/// <param name="exitCode">The code it exited with on its own before it was stopped, if it did.</param>
public sealed class WorkerStartException(string message, bool connected, int? exitCode = null, Exception? innerException = null)
    : InvalidOperationException(message, innerException)
{
    public bool Connected { get; } = connected;

    /// <summary>The app refused to start (a worker exits with 1 when its configuration is invalid): starting another
    /// one cannot help.</summary>
    public bool Refused => exitCode == 1;
}
