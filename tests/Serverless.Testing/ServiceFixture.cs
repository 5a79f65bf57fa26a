using Xunit;

namespace Serverless.Testing;

/// <summary>Two Azurite regions and one service process using them, with a random admin key.
/// Shared by a test collection because starting all three takes seconds.</summary>
public sealed class ServiceFixture : IAsyncLifetime
{
    private ServiceProcess? _service;
    private HttpClient? _client;

    public AzuriteRegionsFixture Regions { get; } = new();

    public ServiceProcess Service => _service ?? throw NotStarted();

    /// <summary>A client that sends the admin key.</summary>
    public HttpClient Client => _client ?? throw NotStarted();

    public async Task InitializeAsync()
    {
        try
        {
            await Regions.InitializeAsync();
            _service = await ServiceProcess.StartAsync(new ServiceProcessOptions { RegionConfiguration = Regions.RegionConfiguration });
            _client = _service.CreateClient();
        }
        catch
        {
            // A caller whose InitializeAsync failed may never call DisposeAsync.
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        try
        {
            if (_service is not null)
            {
                await _service.DisposeAsync();
            }
        }
        finally
        {
            await Regions.DisposeAsync();
        }
    }

    private static InvalidOperationException NotStarted() =>
        new("The service is not started; InitializeAsync has not run or failed.");
}
