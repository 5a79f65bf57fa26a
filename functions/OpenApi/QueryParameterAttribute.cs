namespace Serverless.Functions.OpenApi;

/// <summary>A query-string parameter of an HTTP function, for the OpenAPI document.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public sealed class QueryParameterAttribute(string name, Type type, string description) : Attribute
{
    public string Name { get; } = name;
    public Type Type { get; } = type;
    public string Description { get; } = description;

    /// <summary>The allowed values of a string parameter; null for any.</summary>
    public string[]? Values { get; init; }

    /// <summary>Bounds of an integer parameter.</summary>
    public int Minimum { get; init; } = int.MinValue;
    public int Maximum { get; init; } = int.MaxValue;
}
