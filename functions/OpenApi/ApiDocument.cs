using System.Text.Encodings.Web;
using System.Text.Json;
using Serverless.Functions.Hosting;

namespace Serverless.Functions.OpenApi;

/// <summary>The served OpenAPI document, generated once per process from this app's functions. Written for
/// people as much as for tools: indented, apostrophes and angle brackets as themselves.</summary>
public static class ApiDocument
{
    private static readonly Lazy<string> Text = new(() =>
        OpenApiDocumentGenerator.Generate(HttpFunctions.All).ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));

    public static string Json => Text.Value;
}
