using Azure;
using Azure.Identity;
using Serverless.Errors;

namespace Serverless.Storage;

/// <summary>Translates SDK failures at the storage boundary: nothing above Storage sees
/// <see cref="RequestFailedException"/>, the SDK's <see cref="AggregateException"/> of retries, a credential's
/// <see cref="AuthenticationFailedException"/> or an SDK timeout's cancellation. Whatever means "storage cannot
/// serve now" becomes <see cref="UnavailableException"/> (503), never a 500.</summary>
public static class StorageErrors
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    /// <summary>Runs a storage call, translating its failures. Pass the caller's token so that the caller's
    /// own cancellation passes through as cancellation; any other cancellation is a storage timeout.</summary>
    public static async Task<T> TranslateAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken = default)
    {
        try
        {
            return await call();
        }
        catch (Exception exception) when (Translate(exception, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    /// <inheritdoc cref="TranslateAsync{T}(Func{Task{T}}, CancellationToken)"/>
    public static async Task TranslateAsync(Func<Task> call, CancellationToken cancellationToken = default)
    {
        try
        {
            await call();
        }
        catch (Exception exception) when (Translate(exception, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>The engine exception for a storage failure, or null for exceptions that are not storage's: a
    /// defect, or the caller's own cancellation (<paramref name="cancellationToken"/> cancelled). A cancellation
    /// the caller did not ask for is the SDK giving up on a slow region: 503. Without the caller's token every
    /// cancellation counts as storage's.</summary>
    public static Exception? Translate(Exception exception, CancellationToken cancellationToken = default) => exception switch
    {
        OperationCanceledException when cancellationToken.IsCancellationRequested => null,
        RequestFailedException { Status: 413 } or RequestFailedException { ErrorCode: "RequestBodyTooLarge" or "EntityTooLarge" or "PropertyValueTooLarge" } =>
            new PayloadTooLargeException("body", "The message is too large for the store."),
        // A table that is not there: the region was never set up, or came back empty (its tables are created again).
        RequestFailedException { Status: 404, ErrorCode: "TableNotFound" } missing =>
            new UnavailableException("A table of the region is not there (yet).", RetryAfter, missing),
        RequestFailedException { Status: 0 or 408 or 429 or >= 500 } failed =>
            new UnavailableException($"Storage did not answer ({failed.Status} {failed.ErrorCode}).", RetryAfter, failed),
        RequestFailedException failed =>
            new StorageFailureException($"Storage refused the request ({failed.Status} {failed.ErrorCode}).", failed),
        AggregateException aggregate when aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsUnavailability) =>
            new UnavailableException("Storage did not answer after retries.", RetryAfter, aggregate),
        AuthenticationFailedException =>
            new UnavailableException("No token for storage: the service's credential failed.", RetryAfter, exception),
        HttpRequestException or IOException =>
            new UnavailableException("Storage is unreachable.", RetryAfter, exception),
        OperationCanceledException or TimeoutException =>
            new UnavailableException("Storage timed out.", RetryAfter, exception),
        _ => null,
    };

    // What one attempt of a retried call may have failed with when storage could not serve.
    private static bool IsUnavailability(Exception exception) => exception is RequestFailedException or HttpRequestException or IOException
        or OperationCanceledException or TimeoutException or AuthenticationFailedException;
}

/// <summary>A storage answer the engine did not expect: a defect, not bad input. Logged and answered 500.</summary>
public sealed class StorageFailureException(string message, Exception inner) : Exception(message, inner);
