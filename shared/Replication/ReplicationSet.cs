using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Hosting;
using Serverless.Queues;
using Serverless.Storage;
using Serverless.Storage.Tables;

namespace Serverless.Replication;

/// <summary>Everything that depends on which region is primary, for one orientation: the stores the engine writes
/// (the primary's, replicating to the secondary), the replicator, the secondary's standing, lag and flow control.
/// Both orientations are built once; a failover switches which one the engine uses.</summary>
public sealed class ReplicationSet
{
    public ReplicationSet(RegionPair regions, IServiceProvider services)
    {
        var time = services.GetRequiredService<TimeProvider>();
        var options = services.GetRequiredService<IOptions<ReplicationOptions>>();
        var events = services.GetRequiredService<Events.IEventPublisher>();
        var loggers = services.GetRequiredService<ILoggerFactory>();
        Regions = regions;
        Outbox = new TableOutbox(regions.Primary);
        Replica = new TableReplicaStore(regions.Secondary, time);
        var mirror = new TableMetadataMirror(regions.Primary.Metadata, regions.Secondary.Metadata);
        Repair = new TableReplicaRepair(regions.Primary.Messages, regions.Secondary.Messages, Replica, time);
        MirrorState = new MetadataMirrorState(time);
        Fence = new OrientationFence(regions.Primary.Name);
        Metadata = new MirroredMetadataStore(new TableMetadataStore(regions.Primary), mirror, MirrorState);
        State = new ReplicationState(Metadata, regions, events, time, options, loggers.CreateLogger<ReplicationState>());
        Cleaner = new OutboxCleaner(Outbox, loggers.CreateLogger<OutboxCleaner>());
        Lag = new ReplicationLag(Outbox, Cleaner, time);
        Replicator = new Replicator(Outbox, Replica, mirror, Repair, State, Lag, Cleaner, MirrorState, Fence,
            services.GetRequiredService<ReplicationWakeUps>(), services.GetRequiredService<QueueDirectory>(), regions, time, options, loggers.CreateLogger<Replicator>());
        Messages = new ReplicatingMessageStore(new TableMessageStore(regions.Primary, time), Replicator, MirrorState, Repair, new TableMessageStore(regions.Secondary, time));
        Throttle = new ReplicationThrottle(Lag, events, services.GetRequiredService<Telemetry.ServiceMetrics>(), time);
    }

    public RegionPair Regions { get; }
    public TableOutbox Outbox { get; }
    public TableReplicaStore Replica { get; }
    public TableReplicaRepair Repair { get; }
    public MetadataMirrorState MirrorState { get; }
    public OrientationFence Fence { get; }
    public IMetadataStore Metadata { get; }
    public IMessageStore Messages { get; }
    public ReplicationState State { get; }
    public OutboxCleaner Cleaner { get; }
    public ReplicationLag Lag { get; }
    public Replicator Replicator { get; }
    public ReplicationThrottle Throttle { get; }
}
