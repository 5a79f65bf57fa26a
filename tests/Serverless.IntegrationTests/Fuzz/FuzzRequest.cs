using Serverless.Testing;

namespace Serverless.IntegrationTests.Fuzz;

/// <summary>One generated request and a short description of how it was made, for the report of a failing case.</summary>
public sealed record FuzzRequest(ApiEndpoint Endpoint, RawHttpRequest Request, string Description)
{
    public override string ToString()
    {
        var target = Request.Target.Length > 160 ? Request.Target[..160] + $"…({Request.Target.Length} chars)" : Request.Target;
        return $"{Request.Method} {target} [{Description}; body {Request.Body?.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"} bytes]";
    }
}
