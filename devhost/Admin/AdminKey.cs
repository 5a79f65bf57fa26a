using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Serverless.DevHost.Admin;

/// <summary>The admin key check of devhost's admin routes: <c>Authorization: Bearer &lt;key&gt;</c>,
/// <c>x-functions-key</c> (the host's header) or <c>x-api-key</c> equal to <c>Auth:AdminKey</c>.</summary>
public static class AdminKey
{
    public const string ConfigurationKey = "Auth:AdminKey";

    public static bool IsPresented(HttpRequest request, string? adminKey)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrEmpty(adminKey)) return false;
        var presented = Presented(request);
        return presented is not null
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(adminKey));
    }

    private static string? Presented(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return authorization["Bearer ".Length..].Trim();
        if (request.Headers.TryGetValue("x-functions-key", out var functionsKey)) return functionsKey.ToString();
        if (request.Headers.TryGetValue("x-api-key", out var apiKey)) return apiKey.ToString();
        return null;
    }
}
