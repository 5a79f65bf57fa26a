using Serverless.Functions.Hosting;

namespace Serverless.UnitTests.Hosting;

public sealed class ApiOptionsValidatorTests
{
    [Fact]
    public void Default_request_timeout_is_valid()
    {
        Assert.True(new ApiOptionsValidator().Validate(null, new ApiOptions()).Succeeded);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("00:10:00")]
    public void Out_of_range_request_timeout_fails_naming_the_configuration_key(string timeout)
    {
        var result = new ApiOptionsValidator().Validate(null, new ApiOptions { RequestTimeout = TimeSpan.Parse(timeout, System.Globalization.CultureInfo.InvariantCulture) });

        Assert.True(result.Failed);
        Assert.Contains("Api:RequestTimeout", result.FailureMessage, StringComparison.Ordinal);
    }
}
