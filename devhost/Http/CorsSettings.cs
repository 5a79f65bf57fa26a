using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace Serverless.DevHost.Http;

/// <summary>CORS is the host's job in Azure Functions (the platform's <c>siteConfig.cors.allowedOrigins</c>; <c>func
/// start</c>'s <c>Host:CORS</c>), answered before the worker sees a request: devhost does the same from
/// <c>Cors:AllowedOrigins</c> (a list of origins such as <c>https://app.contoso.com</c>, or <c>*</c>), with
/// ASP.NET Core's CORS middleware. Empty (the default): no CORS headers, so browsers on other origins are refused.</summary>
public static class CorsSettings
{
    public const string ConfigurationKey = "Cors:AllowedOrigins";

    /// <summary>The allowed origins; throws naming the key when one is not an origin.</summary>
    public static IReadOnlyList<string> AllowedOrigins(IConfiguration configuration)
    {
        var origins = configuration.GetSection(ConfigurationKey).Get<string[]>() ?? [];
        if (origins.Length == 0 && configuration[ConfigurationKey] is { Length: > 0 } single) origins = single.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        foreach (var origin in origins)
        {
            if (origin == "*") continue;
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.PathAndQuery != "/" || origin.EndsWith('/'))
            {
                throw new InvalidOperationException($"{ConfigurationKey}: '{origin}' is not an origin (scheme://host[:port], no path), nor *.");
            }
        }
        return origins;
    }

    /// <summary>What a browser app may send and read: the API's methods and headers, and <c>Retry-After</c> and
    /// <c>Location</c> from answers. Preflights are cached for 10 minutes.</summary>
    public static void Apply(CorsPolicyBuilder policy, IReadOnlyList<string> origins)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (origins.Contains("*")) policy.AllowAnyOrigin();
        else policy.WithOrigins([.. origins]);
        policy.WithMethods("GET", "PUT", "POST", "DELETE")
            .WithHeaders("Authorization", "Content-Type", "x-api-key")
            .WithExposedHeaders("Retry-After", "Location")
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10));
    }
}
