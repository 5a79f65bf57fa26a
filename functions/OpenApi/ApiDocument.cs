using System.Text.Json;
using Serverless.Functions.Hosting;

namespace Serverless.Functions.OpenApi;

/// <summary>The served OpenAPI document, generated once per process from this app's functions.</summary>
public static class ApiDocument
{
    private static readonly Lazy<string> Text = new(() =>
        OpenApiDocumentGenerator.Generate(HttpFunctions.All).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

    public static string Json => Text.Value;
}
