using System.Reflection;
using Microsoft.AspNetCore.Routing.Patterns;
using Serverless.Functions.OpenApi;
using FromBodyAttribute = Microsoft.Azure.Functions.Worker.Http.FromBodyAttribute;

namespace Serverless.Functions.Hosting;

/// <summary>One HTTP function as declared in code: the same attributes the Worker SDK writes into
/// <c>functions.metadata</c>, read back by reflection for the pipeline and the OpenAPI document.</summary>
public sealed class HttpFunction
{
    private static readonly NullabilityInfoContext Nullability = new();

    public HttpFunction(string name, MethodInfo method, HttpTriggerAttribute trigger)
    {
        Name = name;
        Method = method;
        Route = trigger.Route ?? name;
        Methods = (trigger.Methods ?? []).Select(m => m.ToUpperInvariant()).ToList();
        RouteParameters = RoutePatternFactory.Parse(Route).Parameters.Select(p => p.Name).ToList();
        Body = method.GetParameters().SingleOrDefault(p => p.GetCustomAttribute<FromBodyAttribute>() is not null);
        BodyIsOptional = Body is not null && Nullability.Create(Body).WriteState == NullabilityState.Nullable;
        Operation = method.GetCustomAttribute<ApiOperationAttribute>()
            ?? throw new InvalidOperationException($"{name} needs [ApiOperation] for the OpenAPI document.");
        Responses = method.GetCustomAttributes<ApiResponseAttribute>().ToList();
        Problems = method.GetCustomAttributes<ApiProblemAttribute>().ToList();
        QueryParameters = method.GetCustomAttributes<QueryParameterAttribute>().ToList();
        if (Responses.Count == 0) throw new InvalidOperationException($"{name} needs at least one [ApiResponse].");
        Access = method.GetCustomAttributes<AccessAttribute>().ToList();
        if (RequiresKey && Access.Count == 0) throw new InvalidOperationException($"{name} needs [Access]: who may call it.");
        foreach (var access in Access.Where(a => a.ResourceParameter is not null && !RouteParameters.Contains(a.ResourceParameter)))
        {
            throw new InvalidOperationException($"{name}: [Access] names '{access.ResourceParameter}', which is not a route parameter.");
        }
    }

    public string Name { get; }
    public MethodInfo Method { get; }

    /// <summary>The route below the <c>api</c> prefix, e.g. <c>v1/vhosts/{vhost}/queues/{queue}</c>.</summary>
    public string Route { get; }

    /// <summary>Upper-case HTTP methods.</summary>
    public IReadOnlyList<string> Methods { get; }

    /// <summary>Names of the route's parameters, in order. Every one is a resource name (vhost, queue, ...).</summary>
    public IReadOnlyList<string> RouteParameters { get; }

    /// <summary>The <c>[FromBody]</c> parameter, if the function takes a JSON body.</summary>
    public ParameterInfo? Body { get; }

    /// <summary>A nullable body parameter: an absent body is allowed and means all defaults.</summary>
    public bool BodyIsOptional { get; }

    /// <summary>Every <c>/api/v1</c> route needs an API key; health and this document do not.</summary>
    public bool RequiresKey => Route.StartsWith("v1/", StringComparison.Ordinal);

    /// <summary>Who may call it (every one must hold); empty for functions that need no key.</summary>
    public IReadOnlyList<AccessAttribute> Access { get; }

    public ApiOperationAttribute Operation { get; }
    public IReadOnlyList<ApiResponseAttribute> Responses { get; }
    public IReadOnlyList<ApiProblemAttribute> Problems { get; }
    public IReadOnlyList<QueryParameterAttribute> QueryParameters { get; }
}
