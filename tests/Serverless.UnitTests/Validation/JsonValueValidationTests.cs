using System.Text;
using System.Text.Json;
using FluentValidation.Results;
using Serverless.Errors;
using Serverless.Json;
using Serverless.Messages;
using Serverless.Routing;
using Serverless.Validation;

namespace Serverless.UnitTests.Validation;

/// <summary>issue 8, item 23: header values and binding-argument values that cannot be stored as sent
/// (invalid UTF-8, a lone surrogate, a number beyond the range of a double) are 400 naming the field,
/// not silently turned into U+FFFD or infinity. Requests are read from raw bytes, as the HTTP layer does.</summary>
public class JsonValueValidationTests
{
    public JsonValueValidationTests() => ValidationConventions.Apply();

    public static TheoryData<string, byte[]> UnstorableValues => new()
    {
        { "invalid UTF-8", [.. "\"a"u8, 0xFF, .. "b\""u8] },
        { "truncated UTF-8 sequence", [.. "\"a"u8, 0xE2, 0x82, .. "\""u8] },
        { "overlong UTF-8", [.. "\""u8, 0xC0, 0xAF, .. "\""u8] },
        { "lone surrogate escape", "\"\\ud800\""u8.ToArray() },
        { "1e400", "1e400"u8.ToArray() },
        { "-1e400", "-1e400"u8.ToArray() },
        { "400-digit integer", Encoding.ASCII.GetBytes(new string('9', 400)) },
    };

    public static TheoryData<string> StorableValues => new() { "\"é€😀\"", "\"\\u00e9\"", "1.5", "-0", "1e308", "1e-400", "true", "null", "123456789012345678901234567890" };

    [Theory]
    [MemberData(nameof(UnstorableValues))]
    public void Header_value_that_cannot_be_stored_as_sent_is_named(string _, byte[] value)
    {
        var batch = Read<PublishRequest>([.. "{\"messages\":[{\"body\":\"\"},{\"body\":\"\",\"headers\":{\"ok\":1,\"k\":"u8, .. value, .. "}}]}"u8]);
        Assert.Equal(["messages[1].headers.k"], FieldsOf(new PublishRequestValidator().Validate(batch)));

        var single = Read<PublishRequest>([.. "{\"body\":\"\",\"headers\":{\"k\":"u8, .. value, .. "}}"u8]);
        Assert.Equal(["headers.k"], FieldsOf(new PublishRequestValidator().Validate(single)));
    }

    [Theory]
    [MemberData(nameof(StorableValues))]
    public void Header_value_that_round_trips_is_accepted(string value)
    {
        var single = Read<PublishRequest>(Encoding.UTF8.GetBytes("{\"body\":\"\",\"headers\":{\"k\":" + value + "}}"));
        Assert.Empty(FieldsOf(new PublishRequestValidator().Validate(single)));
    }

    [Theory]
    [MemberData(nameof(UnstorableValues))]
    public void Binding_argument_value_that_cannot_be_stored_as_sent_is_named(string _, byte[] value)
    {
        var request = Read<CreateBindingRequest>([.. "{\"source\":\"x\",\"destination\":\"q\",\"arguments\":{\"x-match\":\"any\",\"k\":"u8, .. value, .. "}}"u8]);
        Assert.Equal(["arguments.k"], FieldsOf(new CreateBindingRequestValidator().Validate(request)));
    }

    [Theory]
    [MemberData(nameof(UnstorableValues))]
    public void Binding_argument_value_nested_in_an_object_or_array_is_checked_too(string _, byte[] value)
    {
        var inObject = Read<CreateBindingRequest>([.. "{\"source\":\"x\",\"destination\":\"q\",\"arguments\":{\"k\":{\"inner\":[1,"u8, .. value, .. "]}}}"u8]);
        Assert.Equal(["arguments.k"], FieldsOf(new CreateBindingRequestValidator().Validate(inObject)));
    }

    [Fact]
    public void Binding_argument_property_name_with_invalid_utf8_inside_a_value_is_named()
    {
        var request = Read<CreateBindingRequest>([.. "{\"source\":\"x\",\"destination\":\"q\",\"arguments\":{\"k\":{\"a"u8, 0xFF, .. "\":1}}}"u8]);
        Assert.Equal(["arguments.k"], FieldsOf(new CreateBindingRequestValidator().Validate(request)));
    }

    [Fact]
    public void X_match_with_invalid_utf8_is_a_validation_failure_not_an_exception()
    {
        var request = Read<CreateBindingRequest>([.. "{\"source\":\"x\",\"destination\":\"q\",\"arguments\":{\"x-match\":\"a"u8, 0xFF, .. "\"}}"u8]);
        Assert.Contains("arguments.x-match", FieldsOf(new CreateBindingRequestValidator().Validate(request)));
    }

    [Theory]
    [MemberData(nameof(StorableValues))]
    public void Binding_argument_value_that_round_trips_is_accepted(string value)
    {
        var request = Read<CreateBindingRequest>(Encoding.UTF8.GetBytes("{\"source\":\"x\",\"destination\":\"q\",\"arguments\":{\"k\":" + value + ",\"o\":{\"n\":[" + value + "]}}}"));
        Assert.Empty(FieldsOf(new CreateBindingRequestValidator().Validate(request)));
    }

    [Theory]
    [InlineData("amq.q")]
    [InlineData("amq.gen-1")]
    public void Queue_names_starting_with_amq_dot_are_reserved(string queue)
    {
        var refused = Assert.Throws<InvalidRequestException>(() => QueueNameRules.EnsureDeclarable(queue));
        Assert.Equal(["queue"], refused.Errors.Keys);
    }

    [Theory]
    [InlineData("amq")]
    [InlineData("amqx.q")]
    [InlineData("orders.amq.q")]
    [InlineData("AMQ.q")]
    public void Other_queue_names_are_declarable(string queue) => QueueNameRules.EnsureDeclarable(queue);

    private static T Read<T>(byte[] json) => JsonSerializer.Deserialize<T>(json, ApiJson.Options)!;

    private static List<string> FieldsOf(ValidationResult result) =>
        result.Errors.Select(e => e.PropertyName.TrimStart('.')).Distinct().ToList();
}
