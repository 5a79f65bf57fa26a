using System.Text;

namespace Serverless.DevHost.Hosting;

/// <summary>What devhost prints once it listens, as <c>func start</c> does: where it serves, the admin key, and each
/// function with its trigger.</summary>
public static class StartupBanner
{
    public static string Format(IReadOnlyList<string> urls, string appDirectory, string? adminKey, string? localRegions, IReadOnlyList<FunctionSummary> functions)
    {
        ArgumentNullException.ThrowIfNull(urls);
        ArgumentNullException.ThrowIfNull(functions);
        var text = new StringBuilder();
        text.AppendLine();
        text.AppendLine($"devhost: serving {string.Join(", ", urls)} with the function app in {appDirectory}");
        if (localRegions is not null) text.AppendLine($"Local regions under {localRegions}");
        text.AppendLine($"Admin key: {(string.IsNullOrEmpty(adminKey) ? "(none: Auth:AdminKey is not set)" : adminKey)}");
        text.AppendLine();
        text.AppendLine("Functions:");
        text.AppendLine();
        foreach (var function in functions)
        {
            text.AppendLine($"        {function.Describe(urls[0])}");
        }

        return text.ToString();
    }
}
