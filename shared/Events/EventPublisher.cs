using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Storage;

namespace Serverless.Events;

/// <summary><see cref="IEventPublisher"/>: two independent background lanes, one writing to the events table in the
/// primary region's store, one sending to Event Grid when <c>EventGrid:TopicEndpoint</c> is set, so that a slow or
/// failing topic never delays nor loses the table copy. The table keeps the newest <see cref="Retained"/> events:
/// each instance trims it after its first write, then after every <see cref="TrimEvery"/> events it writes, and when
/// flushed (at shutdown), in bulk (<see cref="IEventStore.TrimAsync"/>). Stopping the host delivers what is queued.</summary>
public sealed class EventPublisher : IEventPublisher, IHostedService, IAsyncDisposable, IDisposable
{
    /// <summary>How many events the table keeps (and the most <c>GET /api/v1/events</c> answers).</summary>
    public const int Retained = 1000;

    /// <summary>Events an instance writes between two trims: the table holds at most about this many more than
    /// <see cref="Retained"/> per instance writing.</summary>
    public const int TrimEvery = 100;

    /// <summary>Events waiting per lane before the oldest is dropped: far more than any burst of state changes.</summary>
    private const int Capacity = 10_000;

    private readonly IEventStore store;
    private readonly ILogger<EventPublisher> logger;
    private readonly EventLane table;
    private readonly EventLane? eventGrid;
    private readonly SemaphoreSlim trimming = new(1, 1);
    private int writtenSinceTrim = TrimEvery; // an instance that never trimmed trims after its first write

    public EventPublisher(IEventStore store, IOptions<EventGridOptions> options, ILogger<EventPublisher> logger)
    {
        this.store = store;
        this.logger = logger;
        table = new EventLane("Events table", Capacity, IEventStore.MaxAppend, WriteAsync, logger);
        if (EventGridSender.Create(options.Value) is { } sender)
        {
            eventGrid = new EventLane("Event Grid", Capacity, EventGridSender.MaxBatch, sender.SendAsync, logger);
        }
    }

    public Task PublishAsync(DomainEvent domainEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(domainEvent);
        table.Post(domainEvent);
        eventGrid?.Post(domainEvent);
        return Task.CompletedTask;
    }

    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        await Task.WhenAll(table.WhenSettledAsync(cancellationToken), eventGrid?.WhenSettledAsync(cancellationToken) ?? Task.CompletedTask);
        if (Volatile.Read(ref writtenSinceTrim) > 0) await TrimAsync(cancellationToken);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Delivers the queued events (until the host's stop deadline), then trims once more.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(table.StopAsync(cancellationToken), eventGrid?.StopAsync(cancellationToken) ?? Task.CompletedTask);
        if (Volatile.Read(ref writtenSinceTrim) > 0 && !cancellationToken.IsCancellationRequested) await TrimAsync(cancellationToken);
    }

    /// <summary>Abandons what is still queued (a host stop delivers it first). The container calls this once per
    /// registration of the one instance, so it is safe to repeat.</summary>
    public async ValueTask DisposeAsync()
    {
        await table.DisposeAsync();
        if (eventGrid is not null) await eventGrid.DisposeAsync();
    }

    /// <summary>For a container disposed synchronously: abandons what is queued without waiting.</summary>
    public void Dispose()
    {
        table.Dispose();
        eventGrid?.Dispose();
    }

    private async Task WriteAsync(IReadOnlyList<DomainEvent> batch, CancellationToken cancellationToken)
    {
        await store.AppendAsync(batch, cancellationToken);
        if (Interlocked.Add(ref writtenSinceTrim, batch.Count) >= TrimEvery) await TrimAsync(cancellationToken);
    }

    /// <summary>A failed trim is only logged: the events are stored, and the next trim deletes what this one left.</summary>
    private async Task TrimAsync(CancellationToken cancellationToken)
    {
        await trimming.WaitAsync(cancellationToken);
        try
        {
            var since = Interlocked.Exchange(ref writtenSinceTrim, 0);
            try
            {
                var deleted = await store.TrimAsync(Retained, cancellationToken);
                if (deleted > 0) logger.LogDebug("Trimmed {Deleted} old events from the events table.", deleted);
            }
            catch (Exception failure) when (!cancellationToken.IsCancellationRequested)
            {
                Interlocked.Add(ref writtenSinceTrim, Math.Max(since, TrimEvery));
                logger.LogWarning(failure, "Trimming the events table failed; the next trim deletes what it left.");
            }
        }
        finally
        {
            trimming.Release();
        }
    }
}
