namespace Serverless.Testing;

/// <summary>How to start the service (devhost running the function app) for a test.</summary>
public sealed class ServiceProcessOptions
{
    /// <summary>Configuration keys (with <c>:</c>) for the regions, e.g. <see cref="AzuriteRegionsFixture.RegionConfiguration"/>.
    /// Empty lets devhost start its embedded local regions (under <see cref="DataRoot"/>).</summary>
    public IReadOnlyDictionary<string, string?> RegionConfiguration { get; init; } = new Dictionary<string, string?>();

    /// <summary>The admin key (<c>Auth:AdminKey</c>); null makes a random one.</summary>
    public string? AdminKey { get; init; }

    /// <summary>More configuration for the service, as keys with <c>:</c> or environment names with <c>__</c>.
    /// A null value removes the variable from the child's environment.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>devhost's data root (<c>DevHost:DataRoot</c>: its record of the worker it started, and the embedded
    /// regions). Null: a new temporary folder, removed when the service is disposed.</summary>
    public string? DataRoot { get; init; }

    /// <summary>The function app devhost runs (<c>--app</c>); null: the repository's app, built with devhost.</summary>
    public string? AppDirectory { get; init; }

    /// <summary>Path of <c>Serverless.DevHost.dll</c>; null: devhost's own build output.</summary>
    public string? DevHostAssemblyPath { get; init; }

    /// <summary>How long to wait for <c>GET /api/health</c> to answer. Default 90 s.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(90);
}
