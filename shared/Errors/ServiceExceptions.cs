namespace Serverless.Errors;

/// <summary>An outcome the HTTP layer maps to a problem+json answer. Engine code throws these;
/// functions never build error bodies themselves.</summary>
public abstract class ServiceException(string title, string detail) : Exception(detail)
{
    public string Title { get; } = title;

    /// <summary>Field name → messages, for answers that name the offending fields.</summary>
    public IReadOnlyDictionary<string, string[]>? Errors { get; init; }
}

/// <summary>400: the request is malformed or a field is out of range.</summary>
public sealed class InvalidRequestException(IReadOnlyDictionary<string, string[]> errors, string? detail = null)
    : ServiceException("One or more fields are invalid.", detail ?? DescribeFields(errors))
{
    public new IReadOnlyDictionary<string, string[]> Errors { get; } = errors;

    public static InvalidRequestException For(string field, string message) =>
        new(new Dictionary<string, string[]> { [field] = [message] });

    private static string DescribeFields(IReadOnlyDictionary<string, string[]> errors) =>
        "Invalid: " + string.Join(", ", errors.Keys) + ".";
}

/// <summary>413: a body, or the whole request, is larger than allowed.</summary>
public sealed class PayloadTooLargeException(string field, string message)
    : ServiceException("Payload too large.", message)
{
    public string Field { get; } = field;
}

/// <summary>431: a request header, or all of them together, is larger than allowed; <see cref="Field"/> names it.</summary>
public sealed class HeadersTooLargeException(string field, string message)
    : ServiceException("Request header fields too large.", message)
{
    public string Field { get; } = field;
}

/// <summary>404: the vhost, queue, exchange, binding or policy does not exist.</summary>
public sealed class NotFoundException(string kind, string name)
    : ServiceException($"No such {kind}.", $"{kind} '{name}' does not exist.")
{
    public string Kind { get; } = kind;
}

/// <summary>409: declare mismatch (RabbitMQ's PRECONDITION_FAILED), not empty, in use.</summary>
public sealed class ConflictException(string title, string detail) : ServiceException(title, detail);

/// <summary>401: no key or an unknown key.</summary>
public sealed class UnauthorizedException(string detail) : ServiceException("Unauthorized.", detail);

/// <summary>403: a known key without the permission.</summary>
public sealed class ForbiddenException(string detail) : ServiceException("Forbidden.", detail);

/// <summary>429: slow down; retry after the given delay.</summary>
public sealed class ThrottledException(string detail, TimeSpan retryAfter) : ServiceException("Throttled.", detail)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}

/// <summary>503: storage is unreachable or a failover is in progress; retry after the given delay.</summary>
public sealed class UnavailableException(string detail, TimeSpan retryAfter, Exception? inner = null)
    : ServiceException("Service unavailable.", detail)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
    public Exception? Cause { get; } = inner;
}

/// <summary>415: the body is not JSON.</summary>
public sealed class UnsupportedMediaTypeException(string contentType)
    : ServiceException("Unsupported media type.", $"Send application/json, not '{contentType}'.");
