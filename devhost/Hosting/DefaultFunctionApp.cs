using System.Reflection;

namespace Serverless.DevHost.Hosting;

/// <summary>The function app devhost runs when none is named: the repository's app, whose output folder the build
/// of devhost recorded (same configuration as devhost's own build).</summary>
public static class DefaultFunctionApp
{
    public const string MetadataKey = "Serverless.DevHost.DefaultAppDirectory";

    /// <summary>The recorded folder, or null when devhost was built without it.</summary>
    public static string? Directory() =>
        typeof(DefaultFunctionApp).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == MetadataKey)?.Value is { Length: > 0 } directory
            ? directory
            : null;
}
