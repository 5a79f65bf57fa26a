using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Internal;

namespace Serverless.Queues;

/// <summary>
/// Definitions (queues, vhosts, catalogs) cached per instance for <see cref="EngineOptions.DefinitionCacheTtl"/>
/// from the start of their load, on <see cref="MemoryCache"/>. Callers asking while a load runs share it. A load
/// runs without any caller's token, so a caller that stops waiting (a long-poll client that disconnects) stops
/// only its own wait; a load that fails is dropped, never cached, and the next caller loads again.
/// </summary>
public sealed class DefinitionCache<TKey, TValue> : IDisposable where TKey : notnull
{
    private readonly MemoryCache cache;
    private readonly TimeSpan ttl;

    public DefinitionCache(TimeProvider time, TimeSpan ttl)
    {
        ArgumentNullException.ThrowIfNull(time);
        cache = new MemoryCache(new MemoryCacheOptions { Clock = new TimeProviderClock(time) });
        this.ttl = ttl;
    }

    /// <summary>The cached value of <paramref name="key"/>, else what <paramref name="load"/> gives (it gets no
    /// cancellation token: it completes for every caller). <paramref name="cancellationToken"/> ends this
    /// caller's wait only.</summary>
    public Task<TValue> GetAsync(TKey key, Func<TKey, Task<TValue>> load, CancellationToken cancellationToken = default)
    {
        if (!cache.TryGetValue(key, out Task<TValue>? loading) || loading is null)
        {
            loading = Start(key, load);
        }
        return loading.IsCompleted ? loading : loading.WaitAsync(cancellationToken);
    }

    public void Remove(TKey key) => cache.Remove(key);

    /// <summary>Removes every entry whose key matches (e.g. every queue of a vhost).</summary>
    public void RemoveWhere(Func<TKey, bool> match)
    {
        foreach (var key in cache.Keys.OfType<TKey>().Where(match).ToList()) cache.Remove(key);
    }

    public void Dispose() => cache.Dispose();

    private Task<TValue> Start(TKey key, Func<TKey, Task<TValue>> load)
    {
        Task<TValue> loading;
        try
        {
            loading = load(key);
        }
        catch (Exception exception)
        {
            return Task.FromException<TValue>(exception);
        }
        if (ttl <= TimeSpan.Zero) return loading;
        cache.Set(key, loading, ttl);
        if (!loading.IsCompletedSuccessfully)
        {
            _ = loading.ContinueWith(failed => DropIfStillCached(key, failed), CancellationToken.None,
                TaskContinuationOptions.NotOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        return loading;
    }

    // Only this load's entry: a newer one (after a Remove) stays.
    private void DropIfStillCached(TKey key, Task<TValue> failed)
    {
        if (cache.TryGetValue(key, out Task<TValue>? current) && ReferenceEquals(current, failed)) cache.Remove(key);
    }

    private sealed class TimeProviderClock(TimeProvider time) : ISystemClock
    {
        public DateTimeOffset UtcNow => time.GetUtcNow();
    }
}
