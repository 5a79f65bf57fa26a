using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Serverless.Functions.Hosting;

/// <summary>The OpenAPI document of API v1, generated from the function catalog's declarations.</summary>
public static class OpenApiSetup
{
    public const string DocumentName = "v1";

    public static IServiceCollection AddApiDocument(this IServiceCollection services) =>
        services.AddOpenApi(DocumentName, options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Serverless queue service API",
                    Version = "v1",
                    Description = "Geo-replicated managed queues: publish, receive, ack. Authenticate with `Authorization: Bearer <key>` or `x-api-key`.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes["apiKey"] = new OpenApiSecurityScheme { Type = SecuritySchemeType.Http, Scheme = "bearer", Description = "The admin key or an issued key." };
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                var function = context.Description.ActionDescriptor.EndpointMetadata.OfType<FunctionDescriptor>().FirstOrDefault();
                if (function is null) return Task.CompletedTask;
                operation.OperationId = function.Name;
                operation.Parameters ??= [];
                foreach (var query in function.QueryParameters)
                {
                    operation.Parameters.Add(new OpenApiParameter
                    {
                        Name = query.Name,
                        In = ParameterLocation.Query,
                        Description = query.Description,
                        Schema = new OpenApiSchema { Type = query.Type == typeof(int) ? JsonSchemaType.Integer : query.Type == typeof(bool) ? JsonSchemaType.Boolean : JsonSchemaType.String },
                    });
                }
                if (!function.Http!.Anonymous)
                {
                    operation.Security ??= [];
                    operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("apiKey", context.Document)] = [] });
                }
                return Task.CompletedTask;
            });
        });
}
