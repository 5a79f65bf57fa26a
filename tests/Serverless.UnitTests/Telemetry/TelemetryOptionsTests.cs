using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Serverless.Hosting;
using Serverless.Telemetry;

namespace Serverless.UnitTests.Telemetry;

public sealed class TelemetryOptionsTests
{
    [Theory]
    [InlineData("westeurope")]
    [InlineData("test-primary")]
    [InlineData("local")]
    public void A_short_region_name_is_valid(string region)
    {
        Assert.True(new TelemetryOptionsValidator().Validate(null, new TelemetryOptions { Region = region }).Succeeded);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("west europe")]
    [InlineData("region/with/slashes")]
    public void A_missing_or_unusable_region_fails_naming_the_configuration_key(string? region)
    {
        var result = new TelemetryOptionsValidator().Validate(null, new TelemetryOptions { Region = region });

        Assert.True(result.Failed);
        Assert.Contains("Telemetry:Region", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_region_name_longer_than_64_characters_fails()
    {
        Assert.True(new TelemetryOptionsValidator().Validate(null, new TelemetryOptions { Region = new string('r', 65) }).Failed);
    }

    [Theory]
    [InlineData("northeurope", "westeurope", "northeurope")]
    [InlineData(null, "westeurope", "westeurope")]
    [InlineData(null, null, "local")]
    public void The_region_is_the_configured_one_else_the_primary_region_else_local(string? configured, string? primary, string expected)
    {
        var settings = new Dictionary<string, string?> { ["Telemetry:Region"] = configured, ["Regions:Primary:Name"] = primary };
        using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .AddServiceMetrics()
            .BuildServiceProvider();

        Assert.Equal(expected, services.GetRequiredService<IOptions<TelemetryOptions>>().Value.Region);
    }
}
