using Microsoft.Azure.Functions.Worker.Middleware;
using Serverless.Auth;

namespace Serverless.Functions.Hosting;

/// <summary>Every <c>/api/v1</c> function needs a key (API.md, Authentication): <c>Authorization: Bearer</c>
/// or <c>x-api-key</c>. Decided by the function's declared route, not by the path as sent.</summary>
public sealed class ApiKeyMiddleware(ApiKeyAuthenticator authenticator) : IFunctionsWorkerMiddleware
{
    public Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        if (HttpFunctions.Find(context.FunctionDefinition.Name) is { RequiresKey: true })
        {
            var headers = context.GetHttpContext()!.Request.Headers;
            authenticator.Authenticate(headers.Authorization, headers["x-api-key"]);
        }
        return next(context);
    }
}
