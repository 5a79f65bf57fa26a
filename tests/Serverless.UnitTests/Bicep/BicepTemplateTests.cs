using System.Text.Json;

namespace Serverless.UnitTests.Bicep;

/// <summary>The deployment templates compile and lint clean with the Bicep CLI (restored from NuGet by this
/// project's PackageDownload, run offline). Every diagnostic, warnings included, fails the test.</summary>
public sealed class BicepTemplateTests
{
    private static readonly string RepoRoot = ExternalTool.RepoRoot;

    /// <summary>Every template and parameters file under bicep/.</summary>
    public static TheoryData<string> Templates() =>
        [.. new[] { "*.bicep", "*.bicepparam" }
            .SelectMany(pattern => Directory.GetFiles(Path.Combine(RepoRoot, "bicep"), pattern, SearchOption.AllDirectories))
            .Select(path => Path.GetRelativePath(RepoRoot, path))];

    [Theory]
    [MemberData(nameof(Templates))]
    public async Task Template_lints_without_any_diagnostic(string template)
    {
        var (exitCode, _, diagnostics) = await BicepCli.RunAsync("lint", Path.Combine(RepoRoot, template));

        Assert.True(exitCode == 0 && diagnostics.Length == 0, $"bicep lint {template} exited {exitCode}:\n{diagnostics}");
    }

    [Fact]
    public async Task Main_template_builds_and_outputs_both_regions_table_endpoints()
    {
        var (exitCode, json, diagnostics) = await BicepCli.RunAsync("build", Path.Combine(RepoRoot, "bicep", "main.bicep"), "--stdout");

        Assert.True(exitCode == 0 && diagnostics.Length == 0, $"bicep build exited {exitCode}:\n{diagnostics}");
        using var arm = JsonDocument.Parse(json);
        var outputs = arm.RootElement.GetProperty("outputs");
        Assert.True(outputs.TryGetProperty("primaryTableServiceUri", out _));
        Assert.True(outputs.TryGetProperty("secondaryTableServiceUri", out _));
    }

    [Fact]
    public async Task Params_file_builds_for_the_paired_regions_with_the_admin_key_from_the_environment()
    {
        var (exitCode, output, diagnostics) = await BicepCli.RunAsync("build-params", Path.Combine(RepoRoot, "bicep", "main.bicepparam"), "--stdout");

        Assert.True(exitCode == 0 && diagnostics.Length == 0, $"bicep build-params exited {exitCode}:\n{diagnostics}");
        var parameters = JsonDocument.Parse(JsonDocument.Parse(output).RootElement.GetProperty("parametersJson").GetString()!).RootElement.GetProperty("parameters");
        Assert.Equal("westeurope", parameters.GetProperty("primaryLocation").GetProperty("value").GetString());
        Assert.Equal("northeurope", parameters.GetProperty("secondaryLocation").GetProperty("value").GetString());
        Assert.Equal(BicepCli.PlaceholderAdminKey, parameters.GetProperty("adminKey").GetProperty("value").GetString());
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

            var (_, _, diagnostics) = await BicepCli.RunAsync("lint", template);

            Assert.Contains("no-unused-params", diagnostics, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
