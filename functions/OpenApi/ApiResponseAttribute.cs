namespace Serverless.Functions.OpenApi;

/// <summary>An answer of an HTTP function other than a problem: its status, JSON body type (none for 204)
/// and when it happens.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public sealed class ApiResponseAttribute(int status, string description) : Attribute
{
    public int Status { get; } = status;
    public string Description { get; } = description;

    /// <summary>The JSON body; null for an answer without one.</summary>
    public Type? Type { get; init; }
}
