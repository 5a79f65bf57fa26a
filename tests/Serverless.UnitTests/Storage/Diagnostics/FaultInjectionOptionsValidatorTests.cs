using Serverless.Storage.Diagnostics;

namespace Serverless.UnitTests.Storage.Diagnostics;

public sealed class FaultInjectionOptionsValidatorTests
{
    private readonly FaultInjectionOptionsValidator validator = new();

    [Fact]
    public void No_fault_is_valid() => Assert.True(validator.Validate(null, new FaultInjectionOptions()).Succeeded);

    [Fact]
    public void Lists_of_transaction_numbers_and_endpoints_are_valid() =>
        Assert.True(validator.Validate(null, new FaultInjectionOptions
        {
            FailTransactionNumbers = "3, 5",
            TimeoutAfterCommitTransactionNumbers = "2",
            HangEndpoints = "http://127.0.0.1:10002,https://account.table.core.windows.net",
        }).Succeeded);

    [Theory]
    [InlineData("third", "FailTransactionNumbers")]
    [InlineData("0", "FailTransactionNumbers")]
    [InlineData("-1", "FailTransactionNumbers")]
    [InlineData("2;3", "FailTransactionNumbers")]
    public void A_transaction_number_that_is_not_a_positive_integer_fails_naming_the_key(string value, string key)
    {
        var result = validator.Validate(null, new FaultInjectionOptions { FailTransactionNumbers = value, TimeoutAfterCommitTransactionNumbers = value });

        Assert.True(result.Failed);
        Assert.Contains($"Diagnostics:Faults:{key}", result.FailureMessage);
        Assert.Contains("Diagnostics:Faults:TimeoutAfterCommitTransactionNumbers", result.FailureMessage);
    }

    [Theory]
    [InlineData("127.0.0.1:10002")]
    [InlineData("ftp://127.0.0.1")]
    public void An_endpoint_that_is_not_an_http_URI_fails_naming_the_key(string value)
    {
        var result = validator.Validate(null, new FaultInjectionOptions { HangEndpoints = value });

        Assert.True(result.Failed);
        Assert.Contains("Diagnostics:Faults:HangEndpoints", result.FailureMessage);
    }
}
