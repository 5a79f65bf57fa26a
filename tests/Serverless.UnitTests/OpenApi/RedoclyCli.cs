using System.Text.Json;

namespace Serverless.UnitTests.OpenApi;

/// <summary>Runs the repository's pinned Redocly CLI (package.json, installed by the build's <c>npm ci</c>)
/// offline: no telemetry, no update check.</summary>
public static class RedoclyCli
{
    private static readonly Dictionary<string, string> Offline = new()
    {
        ["REDOCLY_TELEMETRY"] = "off",
        ["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true",
        ["NO_COLOR"] = "1",
    };

    /// <summary>Lints <paramref name="document"/> with the repository's <c>redocly.yaml</c>; returns the error
    /// and warning counts and the problems as text.</summary>
    public static async Task<(int Errors, int Warnings, string Report)> LintAsync(string document)
    {
        var cli = Path.Combine(ExternalTool.RepoRoot, "node_modules", "@redocly", "cli", "bin", "cli.js");
        if (!File.Exists(cli)) throw new FileNotFoundException("Redocly CLI is not installed; build devhost (it runs npm ci).", cli);
        var (_, output, errors) = await ExternalTool.RunAsync("node",
            [cli, "lint", document, "--config", Path.Combine(ExternalTool.RepoRoot, "redocly.yaml"), "--format", "json"],
            TimeSpan.FromMinutes(2), Offline);

        var start = output.IndexOf('{', StringComparison.Ordinal);
        if (start < 0) throw new InvalidOperationException($"redocly lint wrote no report:\n{output}\n{errors}");
        using var report = JsonDocument.Parse(output[start..]);
        var totals = report.RootElement.GetProperty("totals");
        var problems = report.RootElement.GetProperty("problems").EnumerateArray()
            .Select(p => $"{p.GetProperty("severity").GetString()} {p.GetProperty("ruleId").GetString()}: {p.GetProperty("message").GetString()} at {Locations(p)}");
        return (totals.GetProperty("errors").GetInt32(), totals.GetProperty("warnings").GetInt32(), string.Join("\n", problems));
    }

    private static string Locations(JsonElement problem) => string.Join(", ", problem.GetProperty("location").EnumerateArray()
        .Select(l => l.TryGetProperty("pointer", out var pointer) ? pointer.GetString() : "?"));
}
