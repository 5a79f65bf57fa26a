using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.CommandLine;

namespace Serverless.DevHost.Hosting;

/// <summary>The app settings devhost hands the worker as environment variables, as the host passes its app
/// settings: devhost's environment is inherited as it is; on top come the settings given on devhost's command line
/// and those devhost makes itself (the embedded regions, the admin key). devhost's own keys stay with devhost.</summary>
public static class AppSettings
{
    private static readonly string[] DevHostKeys = ["urls", "environment", "contentRoot", "applicationName"];

    public static IReadOnlyDictionary<string, string?> Collect(IConfigurationRoot configuration, IEnumerable<KeyValuePair<string, string?>> generated)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(generated);
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var provider in configuration.Providers.OfType<CommandLineConfigurationProvider>())
        {
            foreach (var key in Keys(provider, parentPath: null))
            {
                if (provider.TryGet(key, out var value)) settings[key] = value;
            }
        }

        foreach (var (key, value) in generated) settings[key] = value;
        foreach (var key in settings.Keys.Where(IsDevHostKey).ToList()) settings.Remove(key);
        return settings;
    }

    private static bool IsDevHostKey(string key) =>
        DevHostKeys.Contains(key, StringComparer.OrdinalIgnoreCase)
        || key.StartsWith(DevHostOptions.SectionName + ":", StringComparison.OrdinalIgnoreCase);

    private static IEnumerable<string> Keys(IConfigurationProvider provider, string? parentPath)
    {
        foreach (var child in provider.GetChildKeys([], parentPath).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var path = parentPath is null ? child : ConfigurationPath.Combine(parentPath, child);
            if (provider.TryGet(path, out _)) yield return path;
            foreach (var nested in Keys(provider, path)) yield return nested;
        }
    }
}
