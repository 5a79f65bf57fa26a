using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Serverless.Errors;
using Serverless.Messages;
using Serverless.Storage;

namespace Serverless.Functions.Hosting;

/// <summary>The one place that maps engine outcomes to HTTP problems (RFC 9457): validation → 400,
/// unknown key → 401, not permitted → 403, not found → 404, conflict → 409, too large → 413,
/// not JSON → 415, throttled → 429, headers too large → 431, unavailable → 503 (429 and 503 with <c>Retry-After</c>).
/// Functions never build error bodies.</summary>
public static class ProblemMapping
{
    /// <summary>The answer for <paramref name="exception"/>: a problem+json result that also sets <c>Retry-After</c>.</summary>
    public static IResult ToResult(Exception exception)
    {
        var problem = ToProblem(exception, out var retryAfter);
        return new ProblemResult(problem, retryAfter);
    }

    public static ProblemDetails ToProblem(Exception exception, out TimeSpan? retryAfter)
    {
        retryAfter = exception switch
        {
            ThrottledException t => t.RetryAfter,
            UnavailableException u => u.RetryAfter,
            PublishInterruptedException p => p.RetryAfter,
            _ => null,
        };
        var status = exception switch
        {
            InvalidRequestException => 400,
            UnauthorizedException => 401,
            ForbiddenException => 403,
            NotFoundException => 404,
            ConflictException => 409,
            PayloadTooLargeException => 413,
            HeadersTooLargeException => 431,
            UnsupportedMediaTypeException => 415,
            ThrottledException => 429,
            UnavailableException or PublishInterruptedException => 503,
            BadHttpRequestException bad => bad.StatusCode,
            _ => 500,
        };
        var problem = exception switch
        {
            // The client retries exactly the messages marked failed, with the ids given here.
            PublishInterruptedException interrupted => new ProblemDetails { Title = interrupted.Title, Detail = interrupted.Message, Extensions = { ["results"] = interrupted.Response.Results } },
            InvalidRequestException invalid => new ValidationProblemDetails(invalid.Errors.ToDictionary()) { Title = invalid.Title, Detail = invalid.Message },
            PayloadTooLargeException large => new ValidationProblemDetails(large.Errors?.ToDictionary() ?? new Dictionary<string, string[]> { [large.Field] = [large.Message] }) { Title = large.Title, Detail = large.Message },
            HeadersTooLargeException headers => new ValidationProblemDetails(new Dictionary<string, string[]> { [headers.Field] = [headers.Message] }) { Title = headers.Title, Detail = headers.Message },
            ServiceException service when service.Errors is { } errors => new ValidationProblemDetails(errors.ToDictionary()) { Title = service.Title, Detail = service.Message },
            ServiceException service => new ProblemDetails { Title = service.Title, Detail = service.Message },
            BadHttpRequestException { StatusCode: 413 } => new ValidationProblemDetails(new Dictionary<string, string[]> { ["body"] = [BodyTooLarge] }) { Title = "Payload too large.", Detail = "The request body is larger than 4 MiB." },
            BadHttpRequestException bad => new ProblemDetails { Title = "Bad request.", Detail = bad.Message },
            StorageFailureException => new ProblemDetails { Title = "Storage failure.", Detail = "The store refused a request; the failure is logged." },
            _ => new ProblemDetails { Title = "Internal error.", Detail = "An unexpected error occurred; it is logged." },
        };
        problem.Status = status;
        problem.Type = TypeOf(status);
        return problem;
    }

    /// <summary>What <c>errors.body</c> says of a request over the 4 MiB limit.</summary>
    public const string BodyTooLarge = "the request is larger than 4 MiB";

    /// <summary>The RFC section that defines each status, as the problem's <c>type</c> (ASP.NET Core's
    /// defaults leave it out for 413 and 429).</summary>
    public static string TypeOf(int status) => status switch
    {
        400 => "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        401 => "https://tools.ietf.org/html/rfc9110#section-15.5.2",
        403 => "https://tools.ietf.org/html/rfc9110#section-15.5.4",
        404 => "https://tools.ietf.org/html/rfc9110#section-15.5.5",
        409 => "https://tools.ietf.org/html/rfc9110#section-15.5.10",
        413 => "https://tools.ietf.org/html/rfc9110#section-15.5.14",
        415 => "https://tools.ietf.org/html/rfc9110#section-15.5.16",
        429 => "https://tools.ietf.org/html/rfc6585#section-4",
        431 => "https://tools.ietf.org/html/rfc6585#section-5",
        503 => "https://tools.ietf.org/html/rfc9110#section-15.6.4",
        >= 500 => "https://tools.ietf.org/html/rfc9110#section-15.6.1",
        _ => "about:blank",
    };

    /// <summary>Whole seconds, at least 1, as <c>Retry-After</c> wants them.</summary>
    public static string RetryAfterSeconds(TimeSpan delay) =>
        Math.Max(1, (int)Math.Ceiling(delay.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    private sealed class ProblemResult(ProblemDetails problem, TimeSpan? retryAfter) : IResult, IStatusCodeHttpResult
    {
        public int? StatusCode => problem.Status;

        public Task ExecuteAsync(HttpContext httpContext)
        {
            if (retryAfter is { } delay) httpContext.Response.Headers.RetryAfter = RetryAfterSeconds(delay);
            return TypedResults.Problem(problem).ExecuteAsync(httpContext);
        }
    }
}
