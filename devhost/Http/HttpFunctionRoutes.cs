using Microsoft.AspNetCore.Routing.Patterns;
using Serverless.DevHost.Functions;

namespace Serverless.DevHost.Http;

/// <summary>The route template of an HTTP function as the host and the worker's ASP.NET Core integration build it:
/// <c>{routePrefix}/{route}</c>, the function name when the trigger has no route.</summary>
public static class HttpFunctionRoutes
{
    public static string Template(FunctionApp app, FunctionDescription function)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(function);
        var route = (function.Trigger.Route ?? function.Name).TrimStart('/');
        return app.Host.RoutePrefix.Length == 0 ? route : $"{app.Host.RoutePrefix}/{route}";
    }

    /// <exception cref="RoutePatternException">The template is not a valid ASP.NET Core route.</exception>
    public static RoutePattern Pattern(FunctionApp app, FunctionDescription function) => RoutePatternFactory.Parse(Template(app, function));
}
