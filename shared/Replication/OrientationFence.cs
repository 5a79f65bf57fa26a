using Serverless.Errors;

namespace Serverless.Replication;

/// <summary>Stops an orientation's replication the moment its primary stops being primary. Shipping, catch-up and a sync
/// request's apply read the primary and then write the secondary; when a forced failover promotes the secondary while
/// such a read hangs on the old primary, the write that follows would land in the new primary: changes the reconciler
/// must recover (and count) instead, applied over what the new primary has done since, and a catch-up's full copy would
/// remove what only the new primary holds. Everything the replicator does runs under <see cref="Token"/>, which
/// <see cref="Follow"/> cancels when another region is promoted.</summary>
public sealed class OrientationFence(string primary)
{
    private CancellationTokenSource current = new();

    /// <summary>Cancelled once this orientation's primary is no longer primary (until it is again).</summary>
    public CancellationToken Token => Volatile.Read(ref current).Token;

    public bool Retired => Token.IsCancellationRequested;

    /// <summary>Follows the topology: retired when <paramref name="currentPrimary"/> is another region, fresh again when
    /// this orientation's primary is promoted back.</summary>
    public void Follow(string currentPrimary)
    {
        if (currentPrimary != primary)
        {
            Volatile.Read(ref current).Cancel();
            return;
        }
        var fence = Volatile.Read(ref current);
        if (fence.IsCancellationRequested) Interlocked.CompareExchange(ref current, new CancellationTokenSource(), fence);
    }

    public Task RunAsync(Func<CancellationToken, Task> work, CancellationToken cancellationToken) =>
        RunAsync(async token => { await work(token); return true; }, cancellationToken);

    /// <summary>Runs <paramref name="work"/> under the fence: if the primary changes meanwhile it is cancelled, and what
    /// it was doing is answered as unavailable (the change stays in the old primary, for the reconciler).</summary>
    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        using var fenced = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, Token);
        try
        {
            if (Retired) throw new OperationCanceledException(Token);
            return await work(fenced.Token);
        }
        catch (Exception stopped) when ((stopped is OperationCanceledException or UnavailableException) && Retired && !cancellationToken.IsCancellationRequested)
        {
            throw new UnavailableException($"{primary} is no longer the primary region: its replication stopped, and what it had not shipped is left for the reconciler.",
                TimeSpan.FromSeconds(1), stopped);
        }
    }
}
