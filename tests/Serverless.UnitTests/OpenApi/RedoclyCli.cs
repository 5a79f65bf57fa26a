using System.Diagnostics;
using System.Reflection;
using System.Text.Json;

namespace Serverless.UnitTests.OpenApi;

/// <summary>Runs the repository's pinned Redocly CLI (package.json, installed by the build's <c>npm ci</c>)
/// offline: no telemetry, no update check.</summary>
public static class RedoclyCli
{
    public static readonly string RepoRoot = typeof(RedoclyCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepoRoot").Value!;

    /// <summary>Lints <paramref name="document"/> with the repository's <c>redocly.yaml</c>; returns the error
    /// and warning counts and the problems as text.</summary>
    public static async Task<(int Errors, int Warnings, string Report)> LintAsync(string document)
    {
        var cli = Path.Combine(RepoRoot, "node_modules", "@redocly", "cli", "bin", "cli.js");
        if (!File.Exists(cli)) throw new FileNotFoundException("Redocly CLI is not installed; build devhost (it runs npm ci).", cli);
        var startInfo = new ProcessStartInfo("node")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepoRoot,
        };
        foreach (var argument in new[] { cli, "lint", document, "--config", Path.Combine(RepoRoot, "redocly.yaml"), "--format", "json" })
        {
            startInfo.ArgumentList.Add(argument);
        }
        startInfo.Environment["REDOCLY_TELEMETRY"] = "off";
        startInfo.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        startInfo.Environment["NO_COLOR"] = "1";
        startInfo.Environment["CI"] = "true";
        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("redocly lint did not finish within 2 minutes.");
        }
        var output = await stdout;
        var json = output[output.IndexOf('{', StringComparison.Ordinal)..];
        using var report = JsonDocument.Parse(json);
        var totals = report.RootElement.GetProperty("totals");
        var problems = report.RootElement.GetProperty("problems").EnumerateArray()
            .Select(p => $"{p.GetProperty("severity").GetString()} {p.GetProperty("ruleId").GetString()}: {p.GetProperty("message").GetString()} at {Locations(p)}");
        return (totals.GetProperty("errors").GetInt32(), totals.GetProperty("warnings").GetInt32(),
            string.Join("\n", problems) + "\n" + await stderr);
    }

    private static string Locations(JsonElement problem) => string.Join(", ", problem.GetProperty("location").EnumerateArray()
        .Select(l => l.TryGetProperty("pointer", out var pointer) ? pointer.GetString() : "?"));
}
