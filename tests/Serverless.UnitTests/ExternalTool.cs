using System.Diagnostics;
using System.Reflection;

namespace Serverless.UnitTests;

/// <summary>Runs a command-line tool the tests check the repository with (Bicep CLI, Redocly CLI, dotnet publish),
/// and finds what the build recorded about the repository.</summary>
public static class ExternalTool
{
    /// <summary>The repository root, as the build saw it.</summary>
    public static string RepoRoot { get; } = Metadata("RepoRoot");

    /// <summary>A value the build wrote into this assembly's metadata (see the project file).</summary>
    public static string Metadata(string key) =>
        typeof(ExternalTool).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
            ?? throw new InvalidOperationException($"No {key} metadata.");

    /// <summary>Runs <paramref name="fileName"/> to the end and returns its exit code, standard output and standard
    /// error; kills it and throws <see cref="TimeoutException"/> after <paramref name="timeout"/>.</summary>
    public static async Task<(int ExitCode, string Output, string Errors)> RunAsync(
        string fileName, IEnumerable<string> arguments, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? RepoRoot,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(fileName)} {string.Join(' ', start.ArgumentList)} did not finish within {timeout.TotalMinutes:0} minutes.");
        }
        return (process.ExitCode, await output, await errors);
    }

    /// <summary>The dotnet muxer that runs these tests, so that child builds use the same SDK.</summary>
    public static string Dotnet() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
