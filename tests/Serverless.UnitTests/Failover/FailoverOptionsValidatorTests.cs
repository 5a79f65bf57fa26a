using Serverless.Failover;

namespace Serverless.UnitTests.Failover;

public sealed class FailoverOptionsValidatorTests
{
    [Fact]
    public void The_defaults_are_valid_and_are_the_documented_ones()
    {
        var options = new FailoverOptions();
        Assert.True(new FailoverOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal(new AutoFailoverSettings(true, 5, 3, "whenSynced"), options.Settings);
    }

    [Fact]
    public void Each_value_out_of_range_is_named_by_its_configuration_key()
    {
        var result = new FailoverOptionsValidator().Validate(null, new FailoverOptions { ProbeIntervalSeconds = 0, FailureThreshold = 101, Promote = "sometimes" });
        Assert.True(result.Failed);
        var failures = result.Failures!.ToList();
        Assert.Contains(failures, f => f.StartsWith("Failover:ProbeIntervalSeconds", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Failover:FailureThreshold", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Failover:Promote", StringComparison.Ordinal));
    }
}

public sealed class FailoverRequestValidatorTests
{
    [Theory]
    [InlineData("sideways")]
    [InlineData("")]
    [InlineData(null)]
    public void A_mode_other_than_planned_or_forced_is_named(string? mode)
    {
        var result = new Serverless.Validation.FailoverRequestValidator().Validate(new FailoverRequest { Mode = mode });
        Assert.Contains(result.Errors, e => e.PropertyName == "mode" || e.PropertyName == "Mode");
    }
}
