namespace Serverless.DevHost.Local;

/// <summary>How to start one Azurite instance (one local region).</summary>
public sealed class AzuriteStartOptions
{
    /// <summary>Folder for the region's data; created if missing. Required unless <see cref="InMemory"/>.</summary>
    public string? Location { get; init; }

    /// <summary>Keep data in memory only (<c>--inMemoryPersistence</c>); <see cref="Location"/> is ignored.
    /// Default false.</summary>
    public bool InMemory { get; init; }

    /// <summary>Path of <c>azurite.js</c>; null finds it with <see cref="AzuriteLocator.FindScript"/>.</summary>
    public string? AzuriteScriptPath { get; init; }
}
