using Serverless.Events;

namespace Serverless.UnitTests.Events;

public sealed class EventGridOptionsValidatorTests
{
    private const string Key = "c2VjcmV0LXRvcGljLWtleQ==";
    private readonly EventGridOptionsValidator validator = new();

    [Fact]
    public void No_topic_is_valid() => Assert.True(validator.Validate(null, new EventGridOptions()).Succeeded);

    [Theory]
    [InlineData("https://orders.westeurope-1.eventgrid.azure.net/api/events")]
    [InlineData("http://127.0.0.1:5000/api/events")]
    public void An_http_or_https_endpoint_with_a_key_is_valid(string endpoint) =>
        Assert.True(validator.Validate(null, new EventGridOptions { TopicEndpoint = endpoint, TopicKey = Key }).Succeeded);

    [Theory]
    [InlineData("orders.westeurope-1.eventgrid.azure.net/api/events")]
    [InlineData("/api/events")]
    [InlineData("ftp://127.0.0.1/api/events")]
    [InlineData("not a uri")]
    public void An_endpoint_that_is_not_an_absolute_http_URI_fails_naming_the_key(string endpoint)
    {
        var result = validator.Validate(null, new EventGridOptions { TopicEndpoint = endpoint, TopicKey = Key });

        Assert.True(result.Failed);
        Assert.Contains("EventGrid:TopicEndpoint", result.FailureMessage);
        Assert.DoesNotContain(Key, result.FailureMessage);
    }

    [Fact]
    public void An_endpoint_without_a_key_fails_naming_the_key()
    {
        var result = validator.Validate(null, new EventGridOptions { TopicEndpoint = "https://t.westeurope-1.eventgrid.azure.net/api/events" });

        Assert.True(result.Failed);
        Assert.Contains("EventGrid:TopicKey", result.FailureMessage);
    }

    [Fact]
    public void A_key_without_an_endpoint_fails_naming_the_endpoint_and_not_the_secret()
    {
        var result = validator.Validate(null, new EventGridOptions { TopicKey = Key });

        Assert.True(result.Failed);
        Assert.Contains("EventGrid:TopicEndpoint", result.FailureMessage);
        Assert.DoesNotContain(Key, result.FailureMessage);
    }
}
