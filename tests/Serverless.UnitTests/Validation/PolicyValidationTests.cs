using Serverless.Policies;
using Serverless.Validation;

namespace Serverless.UnitTests.Validation;

public class PolicyValidationTests
{
    public PolicyValidationTests() => ValidationConventions.Apply();

    // issue 8, item 13: a queue's shards are fixed when it is declared (lowering them would strand
    // messages, any change breaks deduplication), so a policy may not set them.
    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void A_policy_that_sets_shards_is_refused_naming_definition_shards(int shards)
    {
        var result = new PutPolicyRequestValidator().Validate(new PutPolicyRequest { Pattern = ".*", Definition = new PolicyDefinition { Shards = shards } });
        var failure = Assert.Single(result.Errors);
        Assert.Equal("definition.shards", failure.PropertyName);
    }

    [Fact]
    public void An_invalid_alternate_exchange_is_named_inside_the_definition()
    {
        var result = new PutPolicyRequestValidator().Validate(new PutPolicyRequest { Pattern = ".*", Definition = new PolicyDefinition { AlternateExchange = "-bad" } });
        Assert.Equal("definition.alternateExchange", Assert.Single(result.Errors).PropertyName);
    }

    [Fact]
    public void A_policy_without_shards_is_accepted() =>
        Assert.True(new PutPolicyRequestValidator().Validate(new PutPolicyRequest { Pattern = ".*", Definition = new PolicyDefinition { MaxLength = 10 } }).IsValid);
}
