using Microsoft.Azure.Functions.Worker.Extensions.Http.Converters;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace Serverless.Functions.Hosting;

/// <summary>Makes <c>[FromBody]</c> parameters bind through <see cref="JsonBodyConversion"/>. Runs inside the
/// ASP.NET Core integration's middleware, which installs MVC model binding for each invocation first.</summary>
public sealed class JsonBodyMiddleware : IFunctionsWorkerMiddleware
{
    public Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        context.Features.Set<IFromBodyConversionFeature>(JsonBodyConversion.Instance);
        return next(context);
    }
}
