namespace Serverless.Functions.OpenApi;

/// <summary>A problem+json answer specific to one function (409 on a declare mismatch, say). The answers every
/// function of a kind can give (400, 401, 404, 413, 415, 503) come from the document's rules instead.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public sealed class ApiProblemAttribute(int status, string description) : Attribute
{
    public int Status { get; } = status;
    public string Description { get; } = description;

    /// <summary>A type whose properties the problem may carry beside the standard fields (never required).</summary>
    public Type? Extensions { get; init; }
}
