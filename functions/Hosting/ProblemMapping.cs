using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Serverless.Errors;
using Serverless.Storage;

namespace Serverless.Functions.Hosting;

/// <summary>The one place that maps engine outcomes to HTTP problems (RFC 9457): validation → 400,
/// unknown key → 401, not found → 404, conflict → 409, too large → 413, not JSON → 415,
/// throttled → 429, unavailable → 503. Functions never build error bodies.</summary>
public sealed class ProblemMapping(IProblemDetailsService problems, ILogger<ProblemMapping> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var problem = ToProblem(exception, out var retryAfter);
        if (problem.Status >= 500 && exception is not UnavailableException) logger.LogError(exception, "Unhandled failure on {Path}.", context.Request.Path);
        context.Response.StatusCode = problem.Status!.Value;
        if (retryAfter is { } delay) context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(delay.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    public static ProblemDetails ToProblem(Exception exception, out TimeSpan? retryAfter)
    {
        retryAfter = exception switch
        {
            ThrottledException t => t.RetryAfter,
            UnavailableException u => u.RetryAfter,
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
            UnsupportedMediaTypeException => 415,
            ThrottledException => 429,
            UnavailableException => 503,
            BadHttpRequestException bad => bad.StatusCode,
            _ => 500,
        };
        var problem = exception switch
        {
            InvalidRequestException invalid => new ValidationProblemDetails(invalid.Errors.ToDictionary()) { Title = invalid.Title, Detail = invalid.Message },
            PayloadTooLargeException large => new ValidationProblemDetails(large.Errors?.ToDictionary() ?? new Dictionary<string, string[]> { [large.Field] = [large.Message] }) { Title = large.Title, Detail = large.Message },
            ServiceException service when service.Errors is { } errors => new ValidationProblemDetails(errors.ToDictionary()) { Title = service.Title, Detail = service.Message },
            ServiceException service => new ProblemDetails { Title = service.Title, Detail = service.Message },
            BadHttpRequestException { StatusCode: 413 } => new ValidationProblemDetails(new Dictionary<string, string[]> { ["body"] = ["the request is larger than 4 MiB"] }) { Title = "Payload too large.", Detail = "The request body is larger than 4 MiB." },
            BadHttpRequestException bad => new ProblemDetails { Title = "Bad request.", Detail = bad.Message },
            StorageFailureException => new ProblemDetails { Title = "Storage failure.", Detail = "The store refused a request; the failure is logged." },
            _ => new ProblemDetails { Title = "Internal error.", Detail = "An unexpected error occurred; it is logged." },
        };
        problem.Status = status;
        return problem;
    }
}
