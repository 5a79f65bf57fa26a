using Microsoft.Extensions.Time.Testing;
using Serverless.Functions.Hosting;

namespace Serverless.UnitTests.Hosting;

public sealed class RequestDeadlineTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Token_is_cancelled_when_the_time_is_up_and_that_counts_as_expiry()
    {
        using var deadline = new RequestDeadline(TimeSpan.FromSeconds(10), _time, CancellationToken.None);

        _time.Advance(TimeSpan.FromSeconds(9.9));
        Assert.False(deadline.Token.IsCancellationRequested);
        _time.Advance(TimeSpan.FromSeconds(0.2));

        Assert.True(deadline.Token.IsCancellationRequested);
        Assert.True(deadline.HasExpired);
    }

    [Fact]
    public void Client_abort_cancels_the_token_but_is_not_expiry()
    {
        using var client = new CancellationTokenSource();
        using var deadline = new RequestDeadline(TimeSpan.FromSeconds(10), _time, client.Token);

        client.Cancel();

        Assert.True(deadline.Token.IsCancellationRequested);
        Assert.False(deadline.HasExpired);
    }

    [Fact]
    public void Long_poll_extends_the_deadline_by_its_wait()
    {
        using var deadline = new RequestDeadline(TimeSpan.FromSeconds(10), _time, CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(1));

        deadline.ExtendBy(TimeSpan.FromSeconds(20));
        _time.Advance(TimeSpan.FromSeconds(28.5));
        Assert.False(deadline.Token.IsCancellationRequested);
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.True(deadline.HasExpired);
    }

    [Fact]
    public void Expiry_is_a_503_with_retry_after()
    {
        using var deadline = new RequestDeadline(TimeSpan.FromSeconds(10), _time, CancellationToken.None);

        var problem = ProblemMapping.ToProblem(deadline.Expired(new OperationCanceledException()), out var retryAfter);

        Assert.Equal(503, problem.Status);
        Assert.Equal(RequestDeadline.RetryAfter, retryAfter);
    }
}
