using System.IO.Compression;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Serverless.UnitTests.Deployment;

/// <summary>What a zip deploy package of the function app must hold, and must not: checked on the zip's entries.</summary>
public static partial class DeploymentPackage
{
    /// <summary>Files the Functions host reads from the root of the package.</summary>
    public static readonly string[] RootFiles = ["host.json", "functions.metadata", "worker.config.json", "extensions.json", "Serverless.Functions.dll"];

    /// <summary>Problems with the zip at <paramref name="zipPath"/>; empty when it can be deployed as it is.</summary>
    public static IReadOnlyList<string> Problems(string zipPath, IEnumerable<string> expectedFunctions)
    {
        using var zip = ZipFile.OpenRead(zipPath);
        var entries = zip.Entries.Select(e => e.FullName.Replace('\\', '/')).ToList();
        var problems = new List<string>();
        foreach (var file in RootFiles)
        {
            if (!entries.Contains(file)) problems.Add($"{file} is not at the root of the zip");
        }
        if (!entries.Any(e => e.StartsWith(".azurefunctions/", StringComparison.Ordinal))) problems.Add("the .azurefunctions folder (the host's extensions) is not at the root of the zip");
        foreach (var entry in entries.Where(e => LocalOnly().IsMatch(e))) problems.Add($"{entry} must not be deployed");
        var metadata = zip.GetEntry("functions.metadata");
        if (metadata is not null)
        {
            using var reader = new StreamReader(metadata.Open());
            var names = JsonNode.Parse(reader.ReadToEnd())!.AsArray().Select(f => (string?)f!["name"]).ToHashSet();
            foreach (var function in expectedFunctions.Where(f => !names.Contains(f))) problems.Add($"functions.metadata does not list {function}");
        }
        return problems;
    }

    // Local settings, development settings, user secrets, certificates and keys: never part of a deployment.
    [GeneratedRegex(@"(^|/)(local\.settings\.json|appsettings\.Development(\..+)?\.json|secrets\.json|[^/]+\.(pfx|pem|key|user))$", RegexOptions.IgnoreCase)]
    private static partial Regex LocalOnly();
}
