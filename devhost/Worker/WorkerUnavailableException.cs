namespace Serverless.DevHost.Worker;

/// <summary>No worker can take the invocation: it is starting, restarting, or it died during the invocation.</summary>
public sealed class WorkerUnavailableException(string message, Exception? innerException = null) : Exception(message, innerException);
