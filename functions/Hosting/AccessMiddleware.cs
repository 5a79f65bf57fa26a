using Microsoft.Azure.Functions.Worker.Middleware;
using Serverless.Access;

namespace Serverless.Functions.Hosting;

/// <summary>Every <c>/api/v1</c> function needs a credential (API.md, Authentication): <c>Authorization:
/// Bearer</c> (an API key, the admin key, or a token) or <c>x-api-key</c>. Finds the caller (401 when there is
/// none), then takes one request from its rate limit (429). What the caller may do is checked after the request
/// guards, by <see cref="PermissionMiddleware"/>. Decided by the function's declared route, not the path as sent.</summary>
public sealed class AccessMiddleware(CallerAuthenticator authenticator, RateLimits limits) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        if (HttpFunctions.Find(context.FunctionDefinition.Name) is { RequiresKey: true })
        {
            var http = context.GetHttpContext()!;
            var headers = http.Request.Headers;
            var caller = await authenticator.AuthenticateAsync(headers.Authorization, headers["x-api-key"], http.RequestAborted);
            http.SetCaller(caller);
            limits.AdmitRequest(caller);
        }
        await next(context);
    }
}
