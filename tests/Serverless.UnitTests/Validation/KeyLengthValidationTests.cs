using FluentValidation;
using FluentValidation.Results;
using Serverless.Messages;
using Serverless.Policies;
using Serverless.Queues;
using Serverless.Routing;
using Serverless.Validation;

namespace Serverless.UnitTests.Validation;

/// <summary>issue 8, item 21: routing and binding keys are AMQP shortstrs, at most 255 bytes of UTF-8
/// (not 255 UTF-16 units), in every request that carries one.</summary>
public class KeyLengthValidationTests
{
    // 128 "é" are 128 UTF-16 units but 256 bytes; 85 "€" are 255 bytes, 86 are 258.
    private static readonly string TwoByteKeyOf256Bytes = new('é', 128);
    private static readonly string ThreeByteKeyOf255Bytes = new('€', 85);
    private static readonly string ThreeByteKeyOf258Bytes = new('€', 86);

    public KeyLengthValidationTests() => ValidationConventions.Apply();

    public static TheoryData<string, bool> Keys => new()
    {
        { new string('a', 255), true },
        { new string('a', 256), false },
        { ThreeByteKeyOf255Bytes, true },
        { ThreeByteKeyOf258Bytes, false },
        { TwoByteKeyOf256Bytes, false },
    };

    [Theory]
    [MemberData(nameof(Keys))]
    public void Publish_routing_key_is_at_most_255_utf8_bytes(string key, bool valid) =>
        AssertField(new PublishRequestValidator().Validate(new PublishRequest { Messages = [new PublishMessage { Body = "", RoutingKey = key }, new PublishMessage { Body = "", RoutingKey = key }] }),
            "messages[1].routingKey", valid);

    [Theory]
    [MemberData(nameof(Keys))]
    public void Single_publish_routing_key_is_at_most_255_utf8_bytes(string key, bool valid) =>
        AssertField(new PublishRequestValidator().Validate(new PublishRequest { Messages = [new PublishMessage { Body = "", RoutingKey = key }], Single = true }),
            "routingKey", valid);

    [Theory]
    [MemberData(nameof(Keys))]
    public void Binding_routing_key_is_at_most_255_utf8_bytes(string key, bool valid) =>
        AssertField(new CreateBindingRequestValidator().Validate(new CreateBindingRequest { Source = "x", Destination = "q", RoutingKey = key }),
            "routingKey", valid);

    [Theory]
    [MemberData(nameof(Keys))]
    public void Queue_dead_letter_routing_key_is_at_most_255_utf8_bytes(string key, bool valid) =>
        AssertField(new DeclareQueueRequestValidator().Validate(new DeclareQueueRequest { Arguments = new QueueArguments { DeadLetterRoutingKey = key } }),
            "arguments.deadLetterRoutingKey", valid);

    [Theory]
    [MemberData(nameof(Keys))]
    public void Policy_dead_letter_routing_key_is_at_most_255_utf8_bytes(string key, bool valid) =>
        AssertField(new PutPolicyRequestValidator().Validate(new PutPolicyRequest { Pattern = ".*", Definition = new PolicyDefinition { DeadLetterRoutingKey = key } }),
            "definition.deadLetterRoutingKey", valid);

    private static void AssertField(ValidationResult result, string field, bool valid)
    {
        var names = result.Errors.Select(e => e.PropertyName.TrimStart('.')).ToList();
        if (valid) Assert.DoesNotContain(field, names);
        else Assert.Contains(field, names);
        if (!valid) Assert.Contains("255 bytes", result.Errors.First(e => e.PropertyName.TrimStart('.') == field).ErrorMessage);
    }
}
