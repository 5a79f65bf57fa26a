namespace Serverless.DevHost.Worker;

/// <summary>The first worker, started before devhost's own server so that the two start side by side (the worker's
/// start is most of devhost's start time). The supervisor takes it over as its first worker; it dials devhost's gRPC
/// endpoint only after its own start-up, by which time devhost listens.</summary>
public sealed class WorkerPrelaunch(LaunchedWorker? worker)
{
    private LaunchedWorker? _worker = worker;

    /// <summary>The pre-launched worker, once; null afterwards (or when none was launched).</summary>
    public LaunchedWorker? Take() => Interlocked.Exchange(ref _worker, null);
}
