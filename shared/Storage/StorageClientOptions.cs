namespace Serverless.Storage;

/// <summary>How the storage clients retry and time out. The defaults make a dead region fail in
/// about a second and a hung one in a few seconds, so failover and degraded mode can react.</summary>
public sealed class StorageClientOptions
{
    public const string SectionName = "Storage";

    /// <summary>TCP connect timeout. Default 1 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Timeout of one request attempt. Default 5 s.</summary>
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Retries after the first attempt. Default 2.</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>First retry delay (exponential after that). Default 100 ms.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(100);
}
