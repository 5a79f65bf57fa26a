using FluentValidation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Serverless.Access;
using Serverless.Events;
using Serverless.Messages;
using Serverless.Policies;
using Serverless.Queues;
using Serverless.Replication;
using Serverless.Routing;
using Serverless.Storage;
using Serverless.Storage.Diagnostics;
using Serverless.Storage.Tables;
using Serverless.Validation;
using Serverless.Vhosts;

namespace Serverless.Hosting;

public static class EngineServiceCollectionExtensions
{
    /// <summary>Registers the queue engine: options (validated at start-up), storage of both regions,
    /// engine services and one validator per request type.</summary>
    public static IServiceCollection AddQueueEngine(this IServiceCollection services)
    {
        ValidationConventions.Apply();
        services.AddOptions<RegionsOptions>().BindConfiguration(RegionsOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RegionsOptions>, RegionsOptionsValidator>();
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RateLimitOptions>, RateLimitOptionsValidator>();
        services.AddOptions<EngineOptions>().BindConfiguration(EngineOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<EngineOptions>, EngineOptionsValidator>();
        services.AddOptions<StorageClientOptions>().BindConfiguration(StorageClientOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageClientOptions>, StorageClientOptionsValidator>();
        services.AddStorageDiagnostics();
        services.AddServiceMetrics();

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<StorageClientFactory>();
        services.AddSingleton<EngineRegions>();
        services.AddReplication();

        services.AddSingleton<ApiKeyService>();
        services.AddSingleton<JwtAuthenticator>();
        services.AddSingleton<CallerAuthenticator>();
        services.AddSingleton<RateLimits>();
        services.AddSingleton<Health.RegionHealth>();
        services.AddSingleton<QueueDirectory>();
        services.AddSingleton<QueueService>();
        services.AddSingleton<VhostService>();
        services.AddSingleton<SequenceGenerator>();
        services.AddSingleton<QueueSignals>();
        services.AddSingleton<Publisher>();
        services.AddSingleton<Receiver>();
        services.AddSingleton<Settlement>();
        services.AddSingleton<MessageBrowser>();
        services.AddSingleton<DueMessageReleaser>();
        services.AddSingleton<MessageMover>();
        services.AddSingleton<LengthLimits>();
        services.AddSingleton<AppendBatcher>();
        services.AddSingleton<QueueAppender>();
        services.AddSingleton<QueueUsage>();
        services.AddSingleton<VhostCatalogs>();
        services.AddSingleton<ExchangeService>();
        services.AddSingleton<BindingService>();
        services.AddSingleton<PolicyService>();
        services.AddSingleton<Redriver>();
        services.AddEvents();
        services.AddValidatorsFromAssemblyContaining<PublishRequestValidator>(ServiceLifetime.Singleton);
        services.AddHostedService<EngineInitializer>();
        return services;
    }
}
