using Azure;
using Azure.Identity;
using Serverless.Errors;
using Serverless.Storage;

namespace Serverless.UnitTests.Storage;

/// <summary>issue 8, item 18: every storage failure becomes an engine outcome at the storage boundary,
/// and the ones that mean "storage cannot serve now" are 503s, never 500s.</summary>
public class StorageErrorsTests
{
    public static TheoryData<string, Exception> StorageCannotServe => new()
    {
        { "DefaultAzureCredential found no credential", new CredentialUnavailableException("DefaultAzureCredential failed to retrieve a token from the included credentials.") },
        { "the identity endpoint refused", new AuthenticationFailedException("ManagedIdentityCredential authentication failed.") },
        { "SDK timeout (its own token cancelled)", new TaskCanceledException("The operation was cancelled because it exceeded the configured timeout of 0:00:05.", null, Cancelled()) },
        { "cancellation not of the caller", new OperationCanceledException("A task was canceled.") },
        { "timeout", new TimeoutException() },
        { "retries that ended in timeouts", new AggregateException(new TaskCanceledException("timeout", null, Cancelled()), new OperationCanceledException()) },
        { "retries that ended in an authentication failure", new AggregateException(new RequestFailedException(503, "busy"), new AuthenticationFailedException("failed")) },
        { "unreachable", new HttpRequestException("Connection refused") },
        { "storage busy", new RequestFailedException(503, "Server busy", "ServerBusy", null) },
    };

    [Theory]
    [MemberData(nameof(StorageCannotServe))]
    public void Failures_that_mean_storage_cannot_serve_now_become_503(string _, Exception failure)
    {
        var translated = Assert.IsType<UnavailableException>(StorageErrors.Translate(failure, CancellationToken.None));
        Assert.Same(failure, translated.Cause);
        Assert.True(translated.RetryAfter > TimeSpan.Zero);
    }

    [Fact]
    public void The_callers_own_cancellation_passes_through()
    {
        var caller = Cancelled();
        Assert.Null(StorageErrors.Translate(new TaskCanceledException("canceled", null, caller), caller));
        Assert.Null(StorageErrors.Translate(new OperationCanceledException(caller), caller));
    }

    [Fact]
    public async Task Translate_async_lets_the_callers_cancellation_through_and_turns_a_timeout_into_503()
    {
        var caller = Cancelled();
        await Assert.ThrowsAsync<TaskCanceledException>(() => StorageErrors.TranslateAsync<int>(() => throw new TaskCanceledException("canceled", null, caller), caller));
        await Assert.ThrowsAsync<UnavailableException>(() => StorageErrors.TranslateAsync(() => throw new TaskCanceledException("timeout", null, Cancelled()), CancellationToken.None));
    }

    [Fact]
    public void A_refusal_the_engine_did_not_expect_stays_a_storage_failure() =>
        Assert.IsType<StorageFailureException>(StorageErrors.Translate(new RequestFailedException(400, "Bad request", "InvalidInput", null), CancellationToken.None));

    [Fact]
    public void Exceptions_that_are_not_storage_failures_are_not_translated() =>
        Assert.Null(StorageErrors.Translate(new InvalidOperationException("a defect"), CancellationToken.None));

    private static CancellationToken Cancelled() => new(canceled: true);
}
