namespace Serverless.UnitTests.Bicep;

/// <summary>The Bicep CLI restored by this project's PackageDownload, run offline (no telemetry, no registry).</summary>
public static class BicepCli
{
    private static readonly string Path = ExternalTool.Metadata("BicepCli");

    /// <summary>What the params file reads the admin key from. The tests set a placeholder: the file never holds one.</summary>
    public const string AdminKeyVariable = "SERVERLESS_ADMIN_KEY";
    public const string PlaceholderAdminKey = "placeholder-admin-key-for-the-build";

    public static async Task<(int ExitCode, string Output, string Diagnostics)> RunAsync(params string[] arguments)
    {
        var environment = new Dictionary<string, string>
        {
            ["BICEP_TELEMETRY_ENABLED"] = "false",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            [AdminKeyVariable] = PlaceholderAdminKey,
        };
        var (exitCode, output, diagnostics) = await ExternalTool.RunAsync(Path, arguments, TimeSpan.FromMinutes(2), environment);
        return (exitCode, output, diagnostics.Trim());
    }
}
