namespace Serverless.Testing;

/// <summary>How to start the service executable for a test.</summary>
public sealed class ServiceProcessOptions
{
    /// <summary>Configuration keys (with <c>:</c>) for the regions, e.g. <see cref="AzuriteRegionsFixture.RegionConfiguration"/>.
    /// Empty lets the service start its embedded local regions.</summary>
    public IReadOnlyDictionary<string, string?> RegionConfiguration { get; init; } = new Dictionary<string, string?>();

    /// <summary>The admin key (<c>Auth:AdminKey</c>); null makes a random one.</summary>
    public string? AdminKey { get; init; }

    /// <summary>More configuration for the service, as keys with <c>:</c> or environment names with <c>__</c>.
    /// A null value removes the variable from the child's environment.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>Runs the service as a Functions custom handler on this port (<c>FUNCTIONS_CUSTOMHANDLER_PORT</c>)
    /// instead of standalone on a free port; readiness is then <c>GET /</c>. Default null.</summary>
    public int? CustomHandlerPort { get; init; }

    /// <summary>Path of <c>Serverless.Functions.dll</c>; null takes the copy next to the test assembly.</summary>
    public string? ServiceAssemblyPath { get; init; }

    /// <summary>Working directory of the service; null is the folder of the service assembly.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>How long to wait for the service to answer HTTP. Default 60 s.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
