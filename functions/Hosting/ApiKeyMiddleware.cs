using Serverless.Auth;

namespace Serverless.Functions.Hosting;

/// <summary>Every <c>/api/v1</c> call needs a key (API.md, Authentication).</summary>
public static class ApiKeyMiddleware
{
    public static WebApplication UseApiKeys(this WebApplication app)
    {
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/api/v1"), branch => branch.Use(async (context, next) =>
        {
            context.RequestServices.GetRequiredService<ApiKeyAuthenticator>()
                .Authenticate(context.Request.Headers.Authorization, context.Request.Headers["x-api-key"]);
            await next(context);
        }));
        return app;
    }
}
