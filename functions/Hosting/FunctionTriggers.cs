namespace Serverless.Functions.Hosting;

/// <summary>An HTTP function: the route (below the <c>api</c> prefix) and method, declared once; the
/// standalone host maps it and the deployment's function.json is generated from it.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class HttpTriggerAttribute(string method, string route) : Attribute
{
    public string Method { get; } = method;
    public string Route { get; } = route;

    /// <summary>No key needed (health, OpenAPI document).</summary>
    public bool Anonymous { get; init; }

    /// <summary>JSON body type, for the OpenAPI document.</summary>
    public Type? Request { get; init; }

    /// <summary>Success body type, for the OpenAPI document.</summary>
    public Type? Response { get; init; }

    /// <summary>Success status, for the OpenAPI document.</summary>
    public int Status { get; init; } = 200;

    /// <summary>Short description for the OpenAPI document.</summary>
    public string? Summary { get; init; }
}

/// <summary>A timer function with an NCRONTAB schedule (six fields, seconds first, as Azure Functions).</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class TimerTriggerAttribute(string schedule) : Attribute
{
    public string Schedule { get; } = schedule;
}

/// <summary>A query-string parameter of an HTTP function, for the OpenAPI document.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class QueryParameterAttribute(string name, Type type, string description) : Attribute
{
    public string Name { get; } = name;
    public Type Type { get; } = type;
    public string Description { get; } = description;
}

public interface IHttpFunction
{
    Task<IResult> RunAsync(HttpContext context, CancellationToken cancellationToken = default);
}

public interface ITimerFunction
{
    /// <summary>Runs once; the returned value is logged (and returned to the Functions host).</summary>
    Task<object?> RunAsync(CancellationToken cancellationToken = default);
}
