using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Serverless.Events;

/// <summary>One background destination of events (the events table, or Event Grid): a bounded in-memory queue and a
/// single reader that delivers what has gathered in batches, retrying a failed batch a few times before it logs and
/// drops it. A full queue drops its oldest event (logged) rather than make a publisher wait.</summary>
internal sealed class EventLane : IAsyncDisposable, IDisposable
{
    /// <summary>Waits before the second and third attempt of a batch.</summary>
    internal static readonly TimeSpan[] RetryDelays = [TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2)];

    private readonly string name;
    private readonly int batchSize;
    private readonly Func<IReadOnlyList<DomainEvent>, CancellationToken, Task> deliver;
    private readonly ILogger logger;
    private readonly Channel<DomainEvent> channel;
    private readonly CancellationTokenSource stopping = new();
    private readonly Lock gate = new();
    private readonly List<(long Target, TaskCompletionSource Done)> waiters = [];
    private readonly Task loop;
    private long accepted;
    private long settled;

    public EventLane(string name, int capacity, int batchSize, Func<IReadOnlyList<DomainEvent>, CancellationToken, Task> deliver, ILogger logger)
    {
        this.name = name;
        this.batchSize = batchSize;
        this.deliver = deliver;
        this.logger = logger;
        channel = Channel.CreateBounded<DomainEvent>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            Dropped);
        loop = Task.Run(RunAsync);
    }

    /// <summary>Queues an event; never waits.</summary>
    public void Post(DomainEvent domainEvent)
    {
        Interlocked.Increment(ref accepted);
        if (channel.Writer.TryWrite(domainEvent)) return;
        logger.LogWarning("{Lane}: event {Id} ({Type}) raised while stopping was not delivered.", name, domainEvent.Id, domainEvent.Type);
        Settle(1);
    }

    /// <summary>Completes once every event posted before the call is delivered, given up, or dropped.</summary>
    public Task WhenSettledAsync(CancellationToken cancellationToken = default)
    {
        var target = Interlocked.Read(ref accepted);
        lock (gate)
        {
            if (settled >= target) return Task.CompletedTask;
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            waiters.Add((target, done));
            return done.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Takes no more events and delivers those queued; when <paramref name="cancellationToken"/> fires first,
    /// abandons them.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        channel.Writer.TryComplete();
        try
        {
            await loop.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await stopping.CancelAsync();
            await loop;
        }
    }

    /// <summary>Abandons what is queued and waits for the reader to end. Safe to call more than once.</summary>
    public async ValueTask DisposeAsync()
    {
        Dispose();
        await loop;
    }

    /// <summary>Abandons what is queued without waiting for the reader to end. Safe to call more than once.</summary>
    public void Dispose()
    {
        channel.Writer.TryComplete();
        // Not disposed: the reader may still look at its token. It holds no timer, so nothing leaks.
        stopping.Cancel();
    }

    private async Task RunAsync()
    {
        var batch = new List<DomainEvent>(batchSize);
        try
        {
            while (await channel.Reader.WaitToReadAsync(stopping.Token))
            {
                while (batch.Count < batchSize && channel.Reader.TryRead(out var next)) batch.Add(next);
                await DeliverAsync(batch);
                Settle(batch.Count);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            var abandoned = batch.Count + channel.Reader.Count;
            if (abandoned > 0) logger.LogWarning("{Lane}: stopped with {Count} events not delivered.", name, abandoned);
        }
        catch (Exception unexpected)
        {
            // A defect: stop taking events (later ones are reported as not delivered) rather than queue them for nobody.
            channel.Writer.TryComplete();
            logger.LogCritical(unexpected, "{Lane}: the writer failed; events from now on are not delivered.", name);
        }
        finally
        {
            SettleAll();
        }
    }

    private async Task DeliverAsync(List<DomainEvent> batch)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await deliver(batch, stopping.Token);
                return;
            }
            catch (Exception failure) when (!stopping.IsCancellationRequested)
            {
                if (attempt > RetryDelays.Length)
                {
                    logger.LogError(failure, "{Lane}: gave up on {Count} events after {Attempts} attempts: {Events}.",
                        name, batch.Count, attempt, string.Join(", ", batch.Select(e => $"{e.Type} {e.Subject} ({e.Id})")));
                    return;
                }
                logger.LogWarning("{Lane}: attempt {Attempt} to deliver {Count} events failed ({Failure}); retrying.", name, attempt, batch.Count, failure.Message);
                await Task.Delay(RetryDelays[attempt - 1], stopping.Token);
            }
        }
    }

    private void Dropped(DomainEvent domainEvent)
    {
        logger.LogWarning("{Lane}: too many events waiting; dropped the oldest, {Type} {Subject} ({Id}).", name, domainEvent.Type, domainEvent.Subject, domainEvent.Id);
        Settle(1);
    }

    private void Settle(long count)
    {
        lock (gate)
        {
            settled += count;
            ReleaseWaiters();
        }
    }

    private void SettleAll()
    {
        lock (gate)
        {
            settled = Math.Max(settled, Interlocked.Read(ref accepted));
            ReleaseWaiters();
        }
    }

    private void ReleaseWaiters()
    {
        for (var i = waiters.Count - 1; i >= 0; i--)
        {
            if (waiters[i].Target > settled) continue;
            waiters[i].Done.TrySetResult();
            waiters.RemoveAt(i);
        }
    }
}
