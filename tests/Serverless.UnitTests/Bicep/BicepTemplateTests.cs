using System.Text.Json;

namespace Serverless.UnitTests.Bicep;

/// <summary>The deployment templates compile and lint clean with the Bicep CLI (restored from NuGet by this
/// project's PackageDownload, run offline). Every diagnostic, warnings included, fails the test.</summary>
public sealed class BicepTemplateTests
{
    private static readonly string RepoRoot = ExternalTool.RepoRoot;
    private static readonly string BicepCli = ExternalTool.Metadata("BicepCli");

    public static TheoryData<string> Templates() =>
        [.. Directory.GetFiles(Path.Combine(RepoRoot, "bicep"), "*.bicep", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(RepoRoot, path))];

    [Theory]
    [MemberData(nameof(Templates))]
    public async Task Template_lints_without_any_diagnostic(string template)
    {
        var (exitCode, _, diagnostics) = await RunBicepAsync("lint", Path.Combine(RepoRoot, template));

        Assert.True(exitCode == 0 && diagnostics.Length == 0, $"bicep lint {template} exited {exitCode}:\n{diagnostics}");
    }

    [Fact]
    public async Task Main_template_builds_and_outputs_both_regions_table_endpoints()
    {
        var (exitCode, json, diagnostics) = await RunBicepAsync("build", Path.Combine(RepoRoot, "bicep", "main.bicep"), "--stdout");

        Assert.True(exitCode == 0 && diagnostics.Length == 0, $"bicep build exited {exitCode}:\n{diagnostics}");
        using var arm = JsonDocument.Parse(json);
        var outputs = arm.RootElement.GetProperty("outputs");
        Assert.True(outputs.TryGetProperty("primaryTableServiceUri", out _));
        Assert.True(outputs.TryGetProperty("secondaryTableServiceUri", out _));
    }

    [Fact]
    public async Task Lint_reports_a_warning_in_a_template_that_has_one()
    {
        // The check above is only worth something if a warning reaches it: an unused parameter is one.
        var folder = Directory.CreateTempSubdirectory("bicep-lint-");
        try
        {
            var template = Path.Combine(folder.FullName, "unused.bicep");
            await File.WriteAllTextAsync(template, "param unused string\n");

            var (_, _, diagnostics) = await RunBicepAsync("lint", template);

            Assert.Contains("no-unused-params", diagnostics, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static async Task<(int ExitCode, string Output, string Diagnostics)> RunBicepAsync(params string[] arguments)
    {
        // Offline: no telemetry, no update check, no registry.
        var environment = new Dictionary<string, string> { ["BICEP_TELEMETRY_ENABLED"] = "false", ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" };
        var (exitCode, output, diagnostics) = await ExternalTool.RunAsync(BicepCli, arguments, TimeSpan.FromMinutes(2), environment);
        return (exitCode, output, diagnostics.Trim());
    }
}
