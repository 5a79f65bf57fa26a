using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Serverless.Functions.Hosting;

namespace Serverless.Functions;

[HttpTrigger("GET", "openapi/v1.json", Anonymous = true, Summary = "This OpenAPI document.")]
public sealed class GetOpenApiDocument([FromKeyedServices(OpenApiSetup.DocumentName)] IOpenApiDocumentProvider documents) : IHttpFunction
{
    public async Task<IResult> RunAsync(HttpContext context, CancellationToken cancellationToken = default)
    {
        var document = await documents.GetOpenApiDocumentAsync(cancellationToken);
        return Results.Text(await document.SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1, cancellationToken), "application/json; charset=utf-8");
    }
}
