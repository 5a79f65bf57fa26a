namespace Serverless.Functions.OpenApi;

/// <summary>What the OpenAPI document says of an HTTP function beyond its trigger: a summary, and whether
/// it touches storage (then it can answer 503 when storage does not).</summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class ApiOperationAttribute(string summary) : Attribute
{
    public string Summary { get; } = summary;

    /// <summary>False for functions that never call storage (diagnostics, this document). Default true.</summary>
    public bool UsesStorage { get; init; } = true;
}
