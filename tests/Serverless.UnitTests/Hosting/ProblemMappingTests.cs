using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Errors;
using Serverless.Functions.Hosting;
using Serverless.Messages;

namespace Serverless.UnitTests.Hosting;

public sealed class ProblemMappingTests
{
    public static TheoryData<Exception, int> Outcomes() => new()
    {
        { InvalidRequestException.For("priority", "must be 0-255"), 400 },
        { new UnauthorizedException("An API key is required."), 401 },
        { new ForbiddenException("Not permitted."), 403 },
        { new NotFoundException("queue", "orders"), 404 },
        { new ConflictException("Queue is not empty.", "It holds 3 messages."), 409 },
        { new PayloadTooLargeException("body", "Too large."), 413 },
        { new UnsupportedMediaTypeException("text/plain"), 415 },
        { new ThrottledException("Slow down.", TimeSpan.FromSeconds(2)), 429 },
        { new UnavailableException("Storage did not answer.", TimeSpan.FromSeconds(1)), 503 },
        { new BadHttpRequestException("Request body too large.", 413), 413 },
        { new InvalidOperationException("a bug"), 500 },
    };

    [Theory]
    [MemberData(nameof(Outcomes))]
    public void Each_outcome_maps_to_its_status_with_type_title_and_detail(Exception exception, int status)
    {
        var problem = ProblemMapping.ToProblem(exception, out _);

        Assert.Equal(status, problem.Status);
        Assert.StartsWith("https://tools.ietf.org/html/rfc", problem.Type);
        Assert.False(string.IsNullOrEmpty(problem.Title));
        Assert.False(string.IsNullOrEmpty(problem.Detail));
    }

    [Fact]
    public void Validation_failure_names_every_bad_field()
    {
        var exception = new InvalidRequestException(new Dictionary<string, string[]> { ["messages[0].priority"] = ["must be 0-255"], ["queue"] = ["bad name"] });

        var problem = Assert.IsType<ValidationProblemDetails>(ProblemMapping.ToProblem(exception, out _));

        Assert.Equal(["messages[0].priority", "queue"], problem.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Request_over_the_server_limit_is_413_naming_body()
    {
        var problem = Assert.IsType<ValidationProblemDetails>(ProblemMapping.ToProblem(new BadHttpRequestException("too large", 413), out _));

        Assert.Equal(413, problem.Status);
        Assert.Equal(["body"], problem.Errors.Keys);
    }

    [Fact]
    public void Internal_failure_does_not_leak_the_exception_message()
    {
        var problem = ProblemMapping.ToProblem(new InvalidOperationException("connection string AccountKey=secret"), out _);

        Assert.DoesNotContain("secret", problem.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.2, "1")]
    [InlineData(1.0, "1")]
    [InlineData(2.1, "3")]
    public void Retry_after_is_whole_seconds_rounded_up_and_at_least_one(double seconds, string header)
    {
        Assert.Equal(header, ProblemMapping.RetryAfterSeconds(TimeSpan.FromSeconds(seconds)));
    }

    [Fact]
    public async Task Unavailable_is_written_as_problem_json_with_retry_after()
    {
        var context = NewHttpContext();

        await ProblemMapping.ToResult(new UnavailableException("Storage did not answer.", TimeSpan.FromSeconds(2))).ExecuteAsync(context);

        Assert.Equal(503, context.Response.StatusCode);
        Assert.Equal("2", context.Response.Headers.RetryAfter.ToString());
        Assert.StartsWith("application/problem+json", context.Response.ContentType);
        var body = Body(context);
        Assert.Equal(503, body.GetProperty("status").GetInt32());
        Assert.Equal("Service unavailable.", body.GetProperty("title").GetString());
        Assert.Equal("Storage did not answer.", body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Validation_problem_is_written_with_its_errors()
    {
        var context = NewHttpContext();

        await ProblemMapping.ToResult(InvalidRequestException.For("receipts[0]", "is not a receipt of this queue")).ExecuteAsync(context);

        Assert.Equal(400, context.Response.StatusCode);
        Assert.False(context.Response.Headers.ContainsKey("Retry-After"));
        var errors = Body(context).GetProperty("errors");
        Assert.Equal("is not a receipt of this queue", errors.GetProperty("receipts[0]")[0].GetString());
    }

    [Fact]
    public async Task Publish_stored_in_part_is_503_with_each_message_result()
    {
        var context = NewHttpContext();
        var response = new PublishResponse([new PublishResult("m-1", PublishStatus.Enqueued, ["orders"]), new PublishResult("m-2", PublishStatus.Failed, [])]);
        var exception = new PublishInterruptedException(response, new UnavailableException("Storage did not answer.", TimeSpan.FromSeconds(3)));

        await ProblemMapping.ToResult(exception).ExecuteAsync(context);

        Assert.Equal(503, context.Response.StatusCode);
        Assert.Equal("3", context.Response.Headers.RetryAfter.ToString());
        var results = Body(context).GetProperty("results").EnumerateArray().Select(r => (r.GetProperty("messageId").GetString(), r.GetProperty("status").GetString())).ToList();
        Assert.Equal([("m-1", "enqueued"), ("m-2", "failed")], results);
    }

    private static DefaultHttpContext NewHttpContext()
    {
        var services = new ServiceCollection().AddLogging().AddApiResults().BuildServiceProvider();
        return new DefaultHttpContext { RequestServices = services, Response = { Body = new MemoryStream() } };
    }

    private static JsonElement Body(HttpContext context)
    {
        context.Response.Body.Position = 0;
        return JsonDocument.Parse(context.Response.Body).RootElement.Clone();
    }
}
