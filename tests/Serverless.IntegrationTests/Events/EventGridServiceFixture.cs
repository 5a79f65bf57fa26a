using Serverless.Testing;

namespace Serverless.IntegrationTests.Events;

/// <summary>Two Azurite regions, a <see cref="CloudEventSink"/>, and the service publishing to the sink as its Event Grid
/// topic (<c>EventGrid:TopicEndpoint</c> over plain http, <c>EventGrid:TopicKey</c>).</summary>
public sealed class EventGridServiceFixture : IAsyncLifetime
{
    public const string TopicKey = "sink-topic-key-0123456789";

    private CloudEventSink? sink;
    private ServiceProcess? service;
    private HttpClient? client;

    public AzuriteRegionsFixture Regions { get; } = new();

    public CloudEventSink Sink => sink ?? throw NotStarted();

    public ServiceProcess Service => service ?? throw NotStarted();

    /// <summary>A client that sends the admin key.</summary>
    public HttpClient Client => client ?? throw NotStarted();

    public async Task InitializeAsync()
    {
        try
        {
            await Regions.InitializeAsync();
            sink = await CloudEventSink.StartAsync();
            service = await ServiceProcess.StartAsync(new ServiceProcessOptions
            {
                RegionConfiguration = Regions.RegionConfiguration,
                Environment = new Dictionary<string, string?>
                {
                    ["EventGrid:TopicEndpoint"] = new Uri(sink.BaseAddress, "/api/events").ToString(),
                    ["EventGrid:TopicKey"] = TopicKey,
                },
            });
            client = service.CreateClient();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        client?.Dispose();
        try
        {
            if (service is not null) await service.DisposeAsync();
            if (sink is not null) await sink.DisposeAsync();
        }
        finally
        {
            await Regions.DisposeAsync();
        }
    }

    private static InvalidOperationException NotStarted() => new("The fixture is not started; InitializeAsync has not run or failed.");
}
