using System.Net;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;

namespace Serverless.Storage;

/// <summary>The one place that chooses between a connection string (Azurite, shared key) and
/// managed identity (Azure), and sets retries and timeouts so a dead region fails fast.</summary>
public sealed class StorageClientFactory(IOptions<StorageClientOptions> options, IEnumerable<HttpPipelinePolicy> extraPolicies)
{
    private readonly StorageClientOptions settings = options.Value;
    private readonly HttpPipelinePolicy[] policies = extraPolicies.ToArray();
    private readonly Lazy<HttpClient> httpClient = new(() => new HttpClient(new SocketsHttpHandler
    {
        ConnectTimeout = options.Value.ConnectTimeout,
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(4),
        MaxConnectionsPerServer = 256,
        AutomaticDecompression = DecompressionMethods.None,
    }) { Timeout = Timeout.InfiniteTimeSpan });

    public StorageRegion Create(RegionOptions region)
    {
        var tableOptions = Configure(new TableClientOptions());
        var queueOptions = Configure(new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        if (!string.IsNullOrWhiteSpace(region.ConnectionString))
        {
            return new StorageRegion(region.Name,
                new TableServiceClient(region.ConnectionString, tableOptions),
                new QueueServiceClient(region.ConnectionString, queueOptions));
        }
        var credential = new DefaultAzureCredential();
        var queueUri = region.QueueServiceUri
            ?? throw new InvalidOperationException($"Region '{region.Name}': QueueServiceUri is required with managed identity.");
        return new StorageRegion(region.Name,
            new TableServiceClient(region.TableServiceUri!, credential, tableOptions),
            new QueueServiceClient(queueUri, credential, queueOptions));
    }

    private T Configure<T>(T clientOptions) where T : ClientOptions
    {
        clientOptions.Retry.MaxRetries = settings.MaxRetries;
        clientOptions.Retry.Delay = settings.RetryDelay;
        clientOptions.Retry.MaxDelay = TimeSpan.FromSeconds(1);
        clientOptions.Retry.Mode = RetryMode.Exponential;
        clientOptions.Retry.NetworkTimeout = settings.NetworkTimeout;
        clientOptions.Transport = new HttpClientTransport(httpClient.Value);
        clientOptions.Diagnostics.IsLoggingEnabled = false;
        clientOptions.Diagnostics.IsDistributedTracingEnabled = false;
        foreach (var policy in policies) clientOptions.AddPolicy(policy, HttpPipelinePosition.PerRetry);
        return clientOptions;
    }
}
