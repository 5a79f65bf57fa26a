using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Serverless.DevHost.Functions;

namespace Serverless.DevHost.Http;

/// <summary>One ASP.NET Core endpoint per HTTP function, with the route template and methods of functions.metadata:
/// devhost matches requests with the same routing (constraints such as <c>{id:int}</c> included) as the worker's
/// ASP.NET Core integration will, so a request devhost forwards is one the worker can run.</summary>
public static class HttpFunctionEndpoints
{
    public static IEndpointRouteBuilder MapHttpFunctions(this IEndpointRouteBuilder endpoints, FunctionApp app)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(app);
        foreach (var function in app.Functions.Where(f => f.IsHttp))
        {
            var endpoint = endpoints
                .Map(HttpFunctionRoutes.Pattern(app, function), context => context.RequestServices.GetRequiredService<HttpFunctionForwarder>().ForwardAsync(context, function))
                .WithDisplayName(function.Name)
                .WithMetadata(function);
            if (function.Trigger.Methods.Count > 0) endpoint.WithMetadata(new HttpMethodMetadata(function.Trigger.Methods));
        }

        return endpoints;
    }
}
