using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.Functions.Hosting;
using Serverless.Functions.OpenApi;

namespace Serverless.UnitTests.OpenApi;

/// <summary>The generated OpenAPI document passes Redocly CLI's lint with no error and no warning.</summary>
public sealed class OpenApiLintTests
{
    [Fact]
    public async Task Generated_document_lints_without_errors_or_warnings()
    {
        var (errors, warnings, report) = await LintAsync(OpenApiDocumentGenerator.Generate(HttpFunctions.All));

        Assert.True(errors == 0 && warnings == 0, $"{errors} errors, {warnings} warnings:\n{report}");
    }

    [Fact]
    public async Task Lint_reports_an_undeclared_path_parameter()
    {
        // The check above is only worth something if the linter sees a broken document as broken.
        var document = OpenApiDocumentGenerator.Generate(HttpFunctions.All);
        var getQueue = document["paths"]!["/api/v1/vhosts/{vhost}/queues/{queue}"]!["get"]!.AsObject();
        getQueue.Remove("parameters");

        var (errors, _, report) = await LintAsync(document);

        Assert.True(errors > 0, "no error for a document without its path parameters");
        Assert.Contains("path-parameters-defined", report, StringComparison.Ordinal);
    }

    private static async Task<(int Errors, int Warnings, string Report)> LintAsync(JsonObject document)
    {
        var file = Path.Combine(Path.GetTempPath(), $"openapi-{Guid.NewGuid():N}.json");
        try
        {
            await File.WriteAllTextAsync(file, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            return await RedoclyCli.LintAsync(file);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
