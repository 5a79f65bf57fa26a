using Azure;
using Serverless.Errors;

namespace Serverless.Storage;

/// <summary>Translates SDK failures at the storage boundary: nothing above Storage sees
/// <see cref="RequestFailedException"/> or the SDK's <see cref="AggregateException"/> of retries.</summary>
public static class StorageErrors
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    public static async Task<T> TranslateAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception exception) when (Translate(exception) is { } translated)
        {
            throw translated;
        }
    }

    public static async Task TranslateAsync(Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (Exception exception) when (Translate(exception) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>The engine exception for a storage failure, or null for exceptions that are not storage's
    /// (the caller's own cancellation passes through untouched).</summary>
    public static Exception? Translate(Exception exception) => exception switch
    {
        RequestFailedException { Status: 413 } or RequestFailedException { ErrorCode: "RequestBodyTooLarge" or "EntityTooLarge" or "PropertyValueTooLarge" } =>
            new PayloadTooLargeException("body", "The message is too large for the store."),
        RequestFailedException { Status: 0 or 408 or 429 or >= 500 } failed =>
            new UnavailableException($"Storage did not answer ({failed.Status} {failed.ErrorCode}).", RetryAfter, failed),
        RequestFailedException failed =>
            new StorageFailureException($"Storage refused the request ({failed.Status} {failed.ErrorCode}).", failed),
        AggregateException aggregate when aggregate.InnerExceptions.All(e => e is RequestFailedException or HttpRequestException or TaskCanceledException or IOException) =>
            new UnavailableException("Storage did not answer after retries.", RetryAfter, aggregate),
        HttpRequestException or IOException =>
            new UnavailableException("Storage is unreachable.", RetryAfter, exception),
        TaskCanceledException { CancellationToken.IsCancellationRequested: false } =>
            new UnavailableException("Storage timed out.", RetryAfter, exception),
        _ => null,
    };
}

/// <summary>A storage answer the engine did not expect: a defect, not bad input. Logged and answered 500.</summary>
public sealed class StorageFailureException(string message, Exception inner) : Exception(message, inner);
