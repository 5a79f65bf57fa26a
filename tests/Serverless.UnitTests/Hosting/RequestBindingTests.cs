using System.Text;
using FluentValidation;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Errors;
using Serverless.Functions.Hosting;
using Serverless.Messages;
using Serverless.Queues;
using Serverless.Validation;

namespace Serverless.UnitTests.Hosting;

public sealed class RequestBindingTests
{
    private static readonly IServiceProvider Services = CreateServices();

    [Fact]
    public async Task Json_body_is_read_and_validated()
    {
        var body = await ReadAsync<AckRequest>("""{"receipts":["r1","r2"]}""");

        Assert.Equal(["r1", "r2"], Assert.IsType<AckRequest>(body).Receipts);
    }

    [Fact]
    public async Task Unknown_field_is_a_400_naming_it()
    {
        var exception = await Assert.ThrowsAsync<InvalidRequestException>(() => ReadAsync<AckRequest>("""{"receipts":["r"],"receipt":"typo"}"""));

        Assert.Equal(["receipt"], exception.Errors.Keys);
    }

    [Fact]
    public async Task Wrong_type_is_a_400_naming_the_field()
    {
        var exception = await Assert.ThrowsAsync<InvalidRequestException>(() => ReadAsync<DeclareQueueRequest>("""{"arguments":{"shards":"4"}}"""));

        Assert.Equal(["arguments.shards"], exception.Errors.Keys);
    }

    [Fact]
    public async Task Malformed_json_is_a_400_naming_body()
    {
        var exception = await Assert.ThrowsAsync<InvalidRequestException>(() => ReadAsync<AckRequest>("{\"receipts\":["));

        Assert.Equal(["body"], exception.Errors.Keys);
    }

    [Fact]
    public async Task Validator_failures_name_the_json_fields()
    {
        var exception = await Assert.ThrowsAsync<InvalidRequestException>(() => ReadAsync<ReceiveRequest>("""{"maxMessages":0,"waitSeconds":21}"""));

        Assert.Equal(["maxMessages", "waitSeconds"], exception.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Non_json_content_type_is_415()
    {
        await Assert.ThrowsAsync<UnsupportedMediaTypeException>(() => ReadAsync<AckRequest>("receipts=r1", contentType: "application/x-www-form-urlencoded"));
    }

    [Theory]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/merge-patch+json")]
    [InlineData(null)]
    public async Task Json_media_types_and_a_missing_content_type_are_accepted(string? contentType)
    {
        Assert.NotNull(await ReadAsync<AckRequest>("""{"receipts":["r"]}""", contentType));
    }

    [Fact]
    public async Task Absent_optional_body_is_null()
    {
        Assert.Null(await ReadAsync<ReceiveRequest>("", optional: true));
    }

    [Fact]
    public async Task Absent_required_body_is_a_400_naming_body()
    {
        var exception = await Assert.ThrowsAsync<InvalidRequestException>(() => ReadAsync<AckRequest>(""));

        Assert.Equal(["body"], exception.Errors.Keys);
    }

    [Fact]
    public async Task Message_body_over_256_KiB_is_413_naming_the_message_field()
    {
        var big = new string('x', 256 * 1024 + 1);

        var exception = await Assert.ThrowsAsync<PayloadTooLargeException>(() => ReadAsync<PublishRequest>($$"""{"messages":[{"body":"a"},{"body":"{{big}}"}]}"""));

        Assert.Equal(["messages[1].body"], exception.Errors!.Keys);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("", false)]
    public void Query_flag_is_true_false_or_absent(string raw, bool expected)
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString(raw.Length > 0 ? "?ifEmpty=" + raw : "");

        Assert.Equal(expected, context.Request.QueryFlag("ifEmpty"));
    }

    [Fact]
    public void Query_flag_that_is_not_a_boolean_is_a_400_naming_it()
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString("?ifUnused=yes");

        var exception = Assert.Throws<InvalidRequestException>(() => context.Request.QueryFlag("ifUnused"));

        Assert.Equal(["ifUnused"], exception.Errors.Keys);
    }

    private static Task<object?> ReadAsync<T>(string json, string? contentType = "application/json", bool optional = false)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var context = new DefaultHttpContext { RequestServices = Services };
        context.Request.Body = new MemoryStream(bytes);
        context.Request.ContentLength = bytes.Length;
        context.Request.ContentType = contentType;
        return RequestBinding.ReadJsonAsync(context.Request, typeof(T), optional);
    }

    private static ServiceProvider CreateServices()
    {
        ValidationConventions.Apply();
        return new ServiceCollection().AddValidatorsFromAssemblyContaining<PublishRequestValidator>(ServiceLifetime.Singleton).BuildServiceProvider();
    }
}
