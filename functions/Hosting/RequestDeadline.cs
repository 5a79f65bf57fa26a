using Serverless.Errors;

namespace Serverless.Functions.Hosting;

/// <summary>The overall deadline of one HTTP request: its token is cancelled when the client goes away or
/// when the time is up, whichever comes first. A long poll extends it by the time it may wait.</summary>
public sealed class RequestDeadline : IDisposable
{
    /// <summary>What a client is told to wait before retrying a request that ran out of time.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _timer;
    private readonly CancellationTokenSource _linked;
    private readonly TimeProvider _time;
    private DateTimeOffset _expiresAt;

    public RequestDeadline(TimeSpan timeout, TimeProvider time, CancellationToken aborted)
    {
        _time = time;
        _expiresAt = time.GetUtcNow() + timeout;
        _timer = new CancellationTokenSource(timeout, time);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(_timer.Token, aborted);
        Timeout = timeout;
    }

    /// <summary>The deadline as first set, before any extension.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Cancelled at the deadline or when the client aborts.</summary>
    public CancellationToken Token => _linked.Token;

    /// <summary>True once the deadline (not the client) ended the request.</summary>
    public bool HasExpired => _timer.IsCancellationRequested;

    /// <summary>Moves the deadline later by <paramref name="extra"/> (a long poll's wait); no effect once expired.</summary>
    public void ExtendBy(TimeSpan extra)
    {
        if (extra <= TimeSpan.Zero || HasExpired) return;
        _expiresAt += extra;
        _timer.CancelAfter(_expiresAt - _time.GetUtcNow());
    }

    /// <summary>The 503 a request that ran out of time answers.</summary>
    public UnavailableException Expired(Exception cause) =>
        new($"The request did not complete within {Timeout.TotalSeconds:0.#} s; storage may be slow or unreachable.", RetryAfter, cause);

    public void Dispose()
    {
        _linked.Dispose();
        _timer.Dispose();
    }
}
