using Serverless.DevHost.Local;
using Xunit;

namespace Serverless.Testing;

/// <summary>Two Azurite regions on disk in a fresh temporary folder, as the service would see two
/// Azure regions. Stopped with SIGTERM and removed afterwards, whatever the tests did.</summary>
public sealed class AzuriteRegionsFixture : IAsyncLifetime
{
    public const string PrimaryName = "test-primary";
    public const string SecondaryName = "test-secondary";

    private AzuriteProcess? _primary;
    private AzuriteProcess? _secondary;

    /// <summary>The temporary folder holding both regions' data.</summary>
    public string DataRoot { get; } = Path.Combine(Path.GetTempPath(), "serverless-tests", Guid.NewGuid().ToString("N"));

    public AzuriteProcess Primary => _primary ?? throw NotStarted();

    public AzuriteProcess Secondary => _secondary ?? throw NotStarted();

    /// <summary>The <c>Regions</c> configuration section for both regions.</summary>
    public IReadOnlyDictionary<string, string?> RegionConfiguration => new Dictionary<string, string?>
    {
        ["Regions:Primary:Name"] = PrimaryName,
        ["Regions:Primary:ConnectionString"] = Primary.ConnectionString,
        ["Regions:Secondary:Name"] = SecondaryName,
        ["Regions:Secondary:ConnectionString"] = Secondary.ConnectionString,
    };

    public async Task InitializeAsync()
    {
        var primary = AzuriteProcess.StartAsync(new AzuriteStartOptions { Location = Path.Combine(DataRoot, "primary") });
        var secondary = AzuriteProcess.StartAsync(new AzuriteStartOptions { Location = Path.Combine(DataRoot, "secondary") });
        try
        {
            await Task.WhenAll(primary, secondary);
        }
        catch
        {
            // A caller whose InitializeAsync failed may never call DisposeAsync: stop the region that did start.
            _primary = primary.IsCompletedSuccessfully ? await primary : null;
            _secondary = secondary.IsCompletedSuccessfully ? await secondary : null;
            await DisposeAsync();
            throw;
        }

        _primary = await primary;
        _secondary = await secondary;
    }

    public async Task DisposeAsync()
    {
        try
        {
            await Task.WhenAll(
                _primary?.DisposeAsync().AsTask() ?? Task.CompletedTask,
                _secondary?.DisposeAsync().AsTask() ?? Task.CompletedTask);
        }
        finally
        {
            TestFolders.DeleteQuietly(DataRoot);
        }
    }

    private static InvalidOperationException NotStarted() =>
        new("The regions are not started; InitializeAsync has not run or failed.");
}
