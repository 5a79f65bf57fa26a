namespace Serverless.Storage;

/// <summary>One region's table and queue store. Either a connection string (Azurite, shared key)
/// or service URIs used with the managed identity of the function app.</summary>
public sealed class RegionOptions
{
    /// <summary>Region name shown in the topology, e.g. <c>westeurope</c>.</summary>
    public string Name { get; set; } = "";

    /// <summary>Connection string of the storage account (tables and queues). Used when set.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Table service endpoint for managed identity, e.g. <c>https://acct.table.core.windows.net</c>.</summary>
    public Uri? TableServiceUri { get; set; }

    /// <summary>Queue service endpoint for managed identity, e.g. <c>https://acct.queue.core.windows.net</c>.</summary>
    public Uri? QueueServiceUri { get; set; }

    internal bool IsConfigured => !string.IsNullOrWhiteSpace(ConnectionString) || TableServiceUri is not null;
}

/// <summary>The two region-paired stores. Bound from the <c>Regions</c> configuration section.</summary>
public sealed class RegionsOptions
{
    public const string SectionName = "Regions";

    /// <summary>The region that takes writes at first start.</summary>
    public RegionOptions Primary { get; set; } = new();

    /// <summary>The paired region that mirrors the primary.</summary>
    public RegionOptions Secondary { get; set; } = new();

    /// <summary>True when no region is configured: the host then starts its embedded local regions.</summary>
    public bool IsEmpty => !Primary.IsConfigured && !Secondary.IsConfigured;
}
