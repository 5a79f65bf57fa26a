using Microsoft.Extensions.Configuration;

namespace Serverless.DevHost.Triggers;

/// <summary>Resolves a binding's <c>connection</c> to a storage connection string from the app settings, in the
/// host's order: <c>ConnectionStrings:{name}</c>, <c>AzureWebJobs{name}</c>, <c>{name}</c>; no name means
/// <c>AzureWebJobsStorage</c>.</summary>
public static class StorageConnections
{
    public const string DefaultName = "AzureWebJobsStorage";

    /// <exception cref="InvalidOperationException">No such setting is configured.</exception>
    public static string Resolve(string? connectionName, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var name = string.IsNullOrWhiteSpace(connectionName) ? DefaultName : connectionName;
        string[] keys = [$"ConnectionStrings:{name}", $"AzureWebJobs{name}", name];
        return keys.Select(k => configuration[k]).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))
            ?? throw new InvalidOperationException($"The storage connection '{name}' is not configured (looked for {string.Join(", ", keys)}).");
    }
}
