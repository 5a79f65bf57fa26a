namespace Serverless.DevHost.Hosting;

/// <summary>devhost's own settings (section <c>DevHost</c>); everything else in its configuration is an app
/// setting handed to the worker.</summary>
public sealed class DevHostOptions
{
    public const string SectionName = "DevHost";

    /// <summary><c>DevHost:AppDirectory</c> (or <c>--app</c>): the built isolated-worker app to run. Default: this
    /// repository's function app, built with devhost in the same configuration.</summary>
    public string? AppDirectory { get; set; }

    /// <summary><c>DevHost:DataRoot</c>: where the embedded regions keep their data and devhost records the
    /// processes it started. Default: <c>.local/</c> at the repository root.</summary>
    public string? DataRoot { get; set; }

    /// <summary><c>DevHost:GrpcPort</c>: the loopback port of the host's gRPC endpoint for the worker.
    /// Default 0: a free port chosen at start.</summary>
    public int GrpcPort { get; set; }

    /// <summary><c>DevHost:WorkerStartTimeoutSeconds</c>: how long a started worker may take to connect, initialise
    /// and load its functions. Default 60.</summary>
    public int WorkerStartTimeoutSeconds { get; set; } = 60;

    /// <summary><c>DevHost:WorkerWaitSeconds</c>: how long a request waits for a worker that is starting or
    /// restarting before it is answered 503 with Retry-After. Default 10.</summary>
    public int WorkerWaitSeconds { get; set; } = 10;

    /// <summary>The first invalid setting, named by its configuration key, or null when all are valid.</summary>
    public string? Validate()
    {
        if (GrpcPort is < 0 or > 65535) return $"{SectionName}:GrpcPort must be a port number (0-65535), not {GrpcPort}.";
        if (WorkerStartTimeoutSeconds <= 0) return $"{SectionName}:WorkerStartTimeoutSeconds must be positive, not {WorkerStartTimeoutSeconds}.";
        if (WorkerWaitSeconds < 0) return $"{SectionName}:WorkerWaitSeconds must not be negative, not {WorkerWaitSeconds}.";
        return null;
    }
}
