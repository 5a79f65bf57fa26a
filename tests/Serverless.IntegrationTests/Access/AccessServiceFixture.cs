using Serverless.Testing;

namespace Serverless.IntegrationTests.Access;

/// <summary>Two Azurite regions, a <see cref="TestTokenIssuer"/>, and the service accepting its tokens for
/// <see cref="Audience"/>: role <see cref="MatrixRole"/> grants configure/write/read on <c>^m-</c> in vhost
/// <see cref="Vhost"/>, role <see cref="AdminRole"/> makes an admin. Extra settings come from
/// <see cref="MoreSettings"/> (rate limits).</summary>
public class AccessServiceFixture : IAsyncLifetime
{
    public const string Audience = "api://serverless-tests", Vhost = "matrix", MatrixRole = "Matrix.All", AdminRole = "Queue.Admin", Pattern = "^m-";

    private TestTokenIssuer? issuer;
    private ServiceProcess? service;
    private HttpClient? client;

    public AzuriteRegionsFixture Regions { get; } = new();
    public TestTokenIssuer Issuer => issuer ?? throw NotStarted();
    public ServiceProcess Service => service ?? throw NotStarted();

    /// <summary>A client that sends the admin key.</summary>
    public HttpClient Admin => client ?? throw NotStarted();

    /// <summary>The one origin allowed to call from a browser.</summary>
    public const string BrowserOrigin = "https://app.example.test";

    /// <summary>How long an instance trusts what it read of a key.</summary>
    public const int KeyCacheSeconds = 2;

    /// <summary>The settings the service was started with (a second instance takes the same).</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; private set; } = new Dictionary<string, string?>();

    protected virtual IReadOnlyDictionary<string, string?> MoreSettings => new Dictionary<string, string?>();

    public async Task InitializeAsync()
    {
        try
        {
            await Regions.InitializeAsync();
            issuer = await TestTokenIssuer.StartAsync();
            var settings = new Dictionary<string, string?>
            {
                ["Auth:Jwt:MetadataAddress"] = issuer.MetadataAddress,
                ["Auth:Jwt:Audience"] = Audience,
                ["Auth:Jwt:RequireHttpsMetadata"] = "false",
                [$"Auth:Jwt:Roles:{MatrixRole}:Vhost"] = Vhost,
                [$"Auth:Jwt:Roles:{MatrixRole}:Configure"] = Pattern,
                [$"Auth:Jwt:Roles:{MatrixRole}:Write"] = Pattern,
                [$"Auth:Jwt:Roles:{MatrixRole}:Read"] = Pattern,
                [$"Auth:Jwt:Roles:{AdminRole}:Admin"] = "true",
                ["Diagnostics:CountStorageRequests"] = "true",
                ["Cors:AllowedOrigins:0"] = BrowserOrigin,
                // The matrix runs planned failovers (writes pause, replication drains): give them room on a busy machine.
                ["Api:RequestTimeout"] = "00:01:00",
                ["Auth:KeyCacheSeconds"] = KeyCacheSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            foreach (var (key, value) in MoreSettings) settings[key] = value;
            Settings = settings;
            service = await ServiceProcess.StartAsync(new ServiceProcessOptions { RegionConfiguration = Regions.RegionConfiguration, Environment = settings });
            client = service.CreateClient();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>A client that sends nothing of its own: the test sets the credential per request.</summary>
    public HttpClient Anonymous() => new() { BaseAddress = Service.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

    public async Task DisposeAsync()
    {
        client?.Dispose();
        try
        {
            if (service is not null) await service.DisposeAsync();
            if (issuer is not null) await issuer.DisposeAsync();
        }
        finally
        {
            await Regions.DisposeAsync();
        }
    }

    private static InvalidOperationException NotStarted() => new("The fixture is not started; InitializeAsync has not run or failed.");
}

/// <summary>The test classes that share one <see cref="AccessServiceFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class AccessCollection : ICollectionFixture<AccessServiceFixture>
{
    public const string Name = "Access service";
}
