using Serverless.Errors;

namespace Serverless.Messages;

/// <summary>503: storage failed after part of a publish was stored. <see cref="Response"/> names every message with
/// <see cref="PublishStatus.Enqueued"/> (stored, confirmed) or <see cref="PublishStatus.Failed"/> (retry it), so a
/// client retries exactly the failed ones, with the ids given here even where the service generated them.</summary>
public sealed class PublishInterruptedException(PublishResponse response, UnavailableException cause)
    : ServiceException("Service unavailable.", "Storage failed part-way: the messages marked failed were not stored; retry them with the same messageId.")
{
    public PublishResponse Response { get; } = response;
    public TimeSpan RetryAfter { get; } = cause.RetryAfter;
    public UnavailableException Cause { get; } = cause;
}
