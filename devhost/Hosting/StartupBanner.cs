using System.Text;

namespace Serverless.DevHost.Hosting;

/// <summary>What devhost prints once it listens, as <c>func start</c> does: where it serves, the admin key it made (never one
/// it was given), and each
/// function with its trigger.</summary>
public static class StartupBanner
{
    /// <param name="generatedAdminKey">The admin key devhost made for the embedded default, shown so a developer can
    /// use it; null when the key came from configuration, which is never printed (it is the operator's secret).</param>
    public static string Format(IReadOnlyList<string> urls, string appDirectory, string? generatedAdminKey, bool adminKeyConfigured, string? localRegions, IReadOnlyList<FunctionSummary> functions)
    {
        ArgumentNullException.ThrowIfNull(urls);
        ArgumentNullException.ThrowIfNull(functions);
        var text = new StringBuilder();
        text.AppendLine();
        text.AppendLine($"devhost: serving {string.Join(", ", urls)} with the function app in {appDirectory}");
        if (localRegions is not null) text.AppendLine($"Local regions under {localRegions}");
        text.AppendLine($"Admin key: {generatedAdminKey ?? (adminKeyConfigured ? "(the one set in Auth:AdminKey)" : "(none: Auth:AdminKey is not set)")}");
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
