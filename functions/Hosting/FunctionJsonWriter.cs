using System.Text.Json;
using System.Text.Json.Nodes;

namespace Serverless.Functions.Hosting;

/// <summary>Writes <c>{Name}/function.json</c> for every function of the catalog: the deployment package's
/// bindings come from the same declarations the app serves, so they cannot drift.</summary>
public static class FunctionJsonWriter
{
    public static JsonObject Describe(FunctionDescriptor function) => function.Kind switch
    {
        TriggerKind.Http => new JsonObject
        {
            ["bindings"] = new JsonArray(
                new JsonObject
                {
                    ["type"] = "httpTrigger",
                    ["direction"] = "in",
                    ["name"] = "req",
                    // The app checks API keys itself (Bearer or x-api-key), so the host lets calls through.
                    ["authLevel"] = "anonymous",
                    ["methods"] = new JsonArray(function.Http!.Method.ToLowerInvariant()),
                    ["route"] = function.Http.Route,
                },
                new JsonObject { ["type"] = "http", ["direction"] = "out", ["name"] = "res" }),
        },
        _ => new JsonObject
        {
            ["bindings"] = new JsonArray(new JsonObject
            {
                ["type"] = "timerTrigger",
                ["direction"] = "in",
                ["name"] = "timer",
                ["schedule"] = function.Timer!.Schedule,
            }),
        },
    };

    public static IReadOnlyList<string> Write(string outputDirectory)
    {
        var written = new List<string>();
        foreach (var function in FunctionCatalog.All)
        {
            var folder = Path.Combine(outputDirectory, function.Name);
            Directory.CreateDirectory(folder);
            var path = Path.Combine(folder, "function.json");
            File.WriteAllText(path, Describe(function).ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
            written.Add(path);
        }
        return written;
    }
}
