using System.Globalization;
using System.Net;

namespace Serverless.DevHost.Hosting;

/// <summary>One address devhost serves the app on, from <c>--urls</c> / <c>Urls</c> (default <c>http://127.0.0.1:7071</c>).</summary>
public sealed record ListenAddress(string Host, int Port)
{
    public const string DefaultUrls = "http://127.0.0.1:7071";

    /// <summary>Parses a <c>;</c>-separated list of <c>http://host:port</c> URLs.</summary>
    /// <exception cref="FormatException">An entry is not an http URL with a host and port (devhost serves plain HTTP only).</exception>
    public static IReadOnlyList<ListenAddress> ParseList(string urls)
    {
        ArgumentNullException.ThrowIfNull(urls);
        var addresses = new List<ListenAddress>();
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Kestrel's wildcard hosts are not valid URI hosts.
            var normalised = url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
            if (!Uri.TryCreate(normalised, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp || uri.AbsolutePath != "/")
            {
                throw new FormatException($"Urls: '{url}' is not an address such as http://127.0.0.1:7071 (devhost serves plain HTTP, without a path).");
            }

            addresses.Add(new ListenAddress(uri.Host, uri.Port));
        }

        return addresses.Count > 0 ? addresses : throw new FormatException("Urls is empty.");
    }

    /// <summary>Where to bind; null for <c>localhost</c> (both loopback addresses).</summary>
    public IPAddress? Address => Host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ? null : IPAddress.Parse(Host.Trim('[', ']'));

    public override string ToString() => $"http://{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";
}
