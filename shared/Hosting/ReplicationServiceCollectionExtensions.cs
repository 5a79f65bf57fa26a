using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Serverless.Replication;
using Serverless.Storage;
using Serverless.Storage.Tables;

namespace Serverless.Hosting;

public static class ReplicationServiceCollectionExtensions
{
    /// <summary>Registers the stores the engine uses — the primary region's, with every change replicated to the secondary
    /// (messages through their outbox, metadata row by row) — and the replication services.</summary>
    public static IServiceCollection AddReplication(this IServiceCollection services)
    {
        services.AddOptions<ReplicationOptions>().BindConfiguration(ReplicationOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ReplicationOptions>, ReplicationOptionsValidator>();

        services.AddSingleton(sp => new TableOutbox(Regions(sp).Primary));
        services.AddSingleton(sp => new TableReplicaStore(Regions(sp).Secondary, Time(sp)));
        services.AddSingleton(sp => new TableMetadataMirror(Regions(sp).Primary.Metadata, Regions(sp).Secondary.Metadata));
        services.AddSingleton(sp => new TableReplicaRepair(Regions(sp).Primary.Messages, Regions(sp).Secondary.Messages, sp.GetRequiredService<TableReplicaStore>(), Time(sp)));
        services.AddSingleton<MetadataMirrorState>();
        services.AddSingleton<IMetadataStore>(sp => new MirroredMetadataStore(
            new TableMetadataStore(Regions(sp).Primary), sp.GetRequiredService<TableMetadataMirror>(), sp.GetRequiredService<MetadataMirrorState>()));
        services.AddSingleton<IMessageStore>(sp => new ReplicatingMessageStore(
            new TableMessageStore(Regions(sp).Primary, Time(sp)),
            sp.GetRequiredService<Replicator>(),
            sp.GetRequiredService<MetadataMirrorState>(),
            sp.GetRequiredService<TableReplicaRepair>(),
            new TableMessageStore(Regions(sp).Secondary, Time(sp))));

        services.AddSingleton<ReplicationState>();
        services.AddSingleton<ReplicationLag>();
        services.AddSingleton<ReplicationWakeUps>();
        services.AddSingleton<OutboxCleaner>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxCleaner>());
        services.AddSingleton<Replicator>();
        services.AddSingleton<TopologyService>();
        services.AddSingleton<ReplicationThrottle>();
        return services;
    }

    private static EngineRegions Regions(IServiceProvider services) => services.GetRequiredService<EngineRegions>();

    private static TimeProvider Time(IServiceProvider services) => services.GetRequiredService<TimeProvider>();
}
