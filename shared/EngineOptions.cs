namespace Serverless;

/// <summary>Tuning of the queue engine. Bound from the <c>Engine</c> configuration section.</summary>
public sealed class EngineOptions
{
    public const string SectionName = "Engine";

    /// <summary>How long a queue or vhost definition is cached per instance. Default 2 s: another
    /// instance sees a delete or a policy change within this time.</summary>
    public TimeSpan DefinitionCacheTtl { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often a long-polling receive looks at storage when no publish in this instance
    /// woke it. Default 500 ms.</summary>
    public TimeSpan LongPollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Most due messages one partition releases per sweep. Default 500.</summary>
    public int ReleaseBatch { get; set; } = 500;
}
