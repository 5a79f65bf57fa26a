using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Serverless.Failover;
using Serverless.Replication;
using Serverless.Storage;
using Serverless.Storage.Tables;

namespace Serverless.Hosting;

public static class ReplicationServiceCollectionExtensions
{
    /// <summary>Registers the stores the engine uses — the current primary region's, with every change replicated to the
    /// secondary (messages through their outbox, metadata row by row), routed by the stored topology so that a failover
    /// moves them — and the replication and failover services.</summary>
    public static IServiceCollection AddReplication(this IServiceCollection services)
    {
        services.AddOptions<ReplicationOptions>().BindConfiguration(ReplicationOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ReplicationOptions>, ReplicationOptionsValidator>();

        services.AddOptions<FailoverOptions>().BindConfiguration(FailoverOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<FailoverOptions>, FailoverOptionsValidator>();
        services.AddSingleton<TableTopologyStore>();
        services.AddSingleton<RegionRoles>();
        services.AddSingleton<ReplicationWakeUps>();
        services.AddSingleton<IMetadataStore, RoutedMetadataStore>();
        services.AddSingleton<IMessageStore, RoutedMessageStore>();
        // The current orientation's parts, looked up whenever they are resolved (functions are made per invocation).
        services.AddTransient(sp => Roles(sp).Current.Replicator);
        services.AddTransient(sp => Roles(sp).Current.State);
        services.AddTransient(sp => Roles(sp).Current.Lag);
        services.AddTransient(sp => Roles(sp).Current.Throttle);
        services.AddTransient(sp => Roles(sp).Current.Outbox);
        services.AddTransient(sp => Roles(sp).Current.Repair);
        services.AddTransient(sp => Roles(sp).Current.Replica);
        services.AddHostedService<OutboxCleaners>();
        services.AddSingleton<TopologyService>();
        services.AddSingleton<FailoverService>();
        services.AddSingleton<RegionProber>();
        services.AddSingleton<Reconciler>();
        services.AddSingleton<ReplicationSweeper>();
        services.AddSingleton<AutoFailoverService>();
        return services;
    }

    private static RegionRoles Roles(IServiceProvider services) => services.GetRequiredService<RegionRoles>();
}
