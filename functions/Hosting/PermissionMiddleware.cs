using Microsoft.Azure.Functions.Worker.Middleware;
using Serverless.Access;

namespace Serverless.Functions.Hosting;

/// <summary>Checks the function's <see cref="AccessAttribute"/>s against the caller, with the route's names:
/// 403 when the caller may not. Runs after the request guards, so a name that is not a name is a 400 first.
/// Permissions that depend on the body (a binding's source and destination) are checked when it is bound
/// (<see cref="IAccessDemands"/>).</summary>
public sealed class PermissionMiddleware : IFunctionsWorkerMiddleware
{
    public Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        if (HttpFunctions.Find(context.FunctionDefinition.Name) is { RequiresKey: true } function)
        {
            var caller = context.GetHttpContext()!.GetCaller();
            var route = context.BindingContext.BindingData;
            foreach (var access in function.Access)
            {
                switch (access.Level)
                {
                    case AccessLevel.Admin:
                        caller.DemandAdmin();
                        break;
                    case AccessLevel.Vhost:
                        caller.DemandVhost(Value(route, "vhost"));
                        break;
                    default:
                        caller.Demand(access.Permission, Value(route, "vhost"), Value(route, access.ResourceParameter!));
                        break;
                }
            }
        }
        return next(context);
    }

    private static string Value(IReadOnlyDictionary<string, object?> route, string name) =>
        route.TryGetValue(name, out var value) && value?.ToString() is { } text ? text : "";
}
