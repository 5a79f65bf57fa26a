using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serverless.Hosting;
using Serverless.Storage.Events;

namespace Serverless.Testing;

/// <summary>The queue engine in-process over real Azurite regions, for tests that look below HTTP
/// (e.g. counting storage requests). Same registrations as the service, with Azure's table rules enforced
/// (<c>Diagnostics:EnforceAzureTableRules</c>, which the settings passed to <see cref="StartAsync"/> may turn off); storage faults
/// are armed through <c>Get&lt;FaultInjectionPolicy&gt;()</c>.</summary>
public sealed class EngineHost : IAsyncDisposable
{
    private readonly ServiceProvider provider;

    private EngineHost(ServiceProvider provider) => this.provider = provider;

    public IServiceProvider Services => provider;

    public T Get<T>() where T : notnull => provider.GetRequiredService<T>();

    public static Task<EngineHost> StartAsync(AzuriteRegionsFixture regions, IEnumerable<KeyValuePair<string, string?>>? settings = null, params HttpPipelinePolicy[] policies) =>
        StartAsync(regions, time: null, settings, policies);

    /// <summary>The engine on a clock of the test's (e.g. a FakeTimeProvider), for tests about time passing.</summary>
    public static async Task<EngineHost> StartAsync(AzuriteRegionsFixture regions, TimeProvider? time, IEnumerable<KeyValuePair<string, string?>>? settings = null, params HttpPipelinePolicy[] policies)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(regions.RegionConfiguration)
            .AddInMemoryCollection([new("Auth:AdminKey", "engine-host-test-admin-key")])
            // Azurite accepts transactions Azure refuses: refuse them here as Azure does.
            .AddInMemoryCollection([new("Diagnostics:EnforceAzureTableRules", "true")])
            .AddInMemoryCollection(settings ?? [])
            .Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration);
        foreach (var policy in policies) services.AddSingleton(policy);
        services.AddQueueEngine();
        if (time is not null) services.AddSingleton(time);
        var provider = services.BuildServiceProvider();
        foreach (var hosted in provider.GetServices<IHostedService>()) await hosted.StartAsync(CancellationToken.None);
        return new EngineHost(provider);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var hosted in provider.GetServices<IHostedService>().Reverse()) await hosted.StopAsync(CancellationToken.None);
        await provider.DisposeAsync();
    }
}

/// <summary>Counts every storage request (each retry too) that passes the pipeline, except the events table's: its
/// background writer sends them whenever it gets to them, so they are not the cost of the operation a test measures
/// (<see cref="EventsOnly"/> counts those alone).</summary>
public sealed class CountingPolicy : HttpPipelineSynchronousPolicy
{
    private long count;

    /// <summary>Counts the events table's requests instead of the engine's.</summary>
    public bool EventsOnly { get; init; }

    public long Count => Interlocked.Read(ref count);

    public void Reset() => Interlocked.Exchange(ref count, 0);

    public override void OnSendingRequest(HttpMessage message)
    {
        if (TableEventStore.IsEventsRequest(message) == EventsOnly) Interlocked.Increment(ref count);
    }
}
