using Microsoft.Extensions.Configuration;

namespace Serverless.DevHost.Triggers;

/// <summary>Binding values of the form <c>%Name%</c> name an app setting, as in the Functions host.</summary>
public static class AppSettingExpressions
{
    /// <exception cref="InvalidOperationException">The value names a setting that is not configured.</exception>
    public static string Resolve(string value, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(configuration);
        if (value.Length < 3 || value[0] != '%' || value[^1] != '%') return value;
        var name = value[1..^1];
        return configuration[name] is { Length: > 0 } setting
            ? setting
            : throw new InvalidOperationException($"The app setting '{name}' (from '{value}') is not configured.");
    }
}
