using Serverless.Errors;
using Serverless.Hosting;
using Serverless.Storage.Tables;

namespace Serverless.Failover;

/// <summary>Changes the <c>autoFailover</c> block of the stored topology: in the primary under its ETag (a failover
/// meanwhile makes it try again), then in the secondary.</summary>
public sealed class AutoFailoverService(RegionRoles roles, EngineRegions regions, TableTopologyStore store, TimeProvider time)
{
    public async Task<AutoFailoverSettings> SetAsync(AutoFailoverRequest request, CancellationToken cancellationToken = default)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var current = await roles.RefreshAsync(cancellationToken);
            // Written where the primary is when it answers (under its ETag), else in the secondary alone: the settings
            // matter most when the primary is down.
            var primary = regions.Named(current.Primary);
            var secondary = regions.Named(current.Secondary);
            TableTopologyStore.Stored stored;
            var target = primary;
            try
            {
                stored = await store.ReadAsync(primary, cancellationToken);
            }
            catch (UnavailableException)
            {
                target = secondary;
                stored = await store.ReadAsync(secondary, cancellationToken);
            }
            var record = stored.Record ?? current;
            var settings = new AutoFailoverSettings(
                request.Enabled ?? record.AutoFailover.Enabled,
                request.ProbeIntervalSeconds ?? record.AutoFailover.ProbeIntervalSeconds,
                request.FailureThreshold ?? record.AutoFailover.FailureThreshold,
                request.Promote ?? record.AutoFailover.Promote);
            var next = record with { AutoFailover = settings, UpdatedAt = time.GetUtcNow() };
            if (!await store.WriteAsync(target, next, stored.Record is null ? null : stored.ETag, cancellationToken)) continue;
            // The other region learns it now, or when it answers: every instance's refresh writes the newest copy back.
            if (target == primary) await store.TryWriteAsync(secondary, next, cancellationToken);
            roles.Use(next);
            return settings;
        }
        throw new ConflictException("Topology changed.", "The topology changed three times while this was written; try again.");
    }
}
