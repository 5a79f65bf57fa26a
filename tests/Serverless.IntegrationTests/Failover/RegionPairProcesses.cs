using Serverless.DevHost.Local;
using Serverless.Testing;

namespace Serverless.IntegrationTests.Failover;

/// <summary>Two Azurite regions of a test's own (a failover changes their roles, so no test shares them).</summary>
internal sealed class RegionPairProcesses : IAsyncDisposable
{
    public const string FirstName = "region-a", SecondName = "region-b";

    private RegionPairProcesses(AzuriteProcess first, AzuriteProcess second) => (First, Second) = (first, second);

    public AzuriteProcess First { get; }
    public AzuriteProcess Second { get; }

    public Dictionary<string, string?> Configuration => new()
    {
        ["Regions:Primary:Name"] = FirstName,
        ["Regions:Primary:ConnectionString"] = First.ConnectionString,
        ["Regions:Secondary:Name"] = SecondName,
        ["Regions:Secondary:ConnectionString"] = Second.ConnectionString,
    };

    public static async Task<RegionPairProcesses> StartAsync(string dataRoot)
    {
        var data = Path.Combine(dataRoot, $"failover-{Guid.NewGuid():N}");
        var first = await AzuriteProcess.StartAsync(new AzuriteStartOptions { Location = Path.Combine(data, FirstName) });
        try
        {
            return new RegionPairProcesses(first, await AzuriteProcess.StartAsync(new AzuriteStartOptions { Location = Path.Combine(data, SecondName) }));
        }
        catch
        {
            await first.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Resumed first: a stopped process ignores SIGTERM until it runs again.
        foreach (var region in new[] { First, Second })
        {
            if (!region.HasExited) UnixSignals.Resume(region.ProcessId);
        }
        await First.DisposeAsync();
        await Second.DisposeAsync();
    }
}
