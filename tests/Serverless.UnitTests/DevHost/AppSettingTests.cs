using Microsoft.Extensions.Configuration;
using Serverless.DevHost.Hosting;
using Serverless.DevHost.Triggers;

namespace Serverless.UnitTests.DevHost;

public sealed class AppSettingTests
{
    private static readonly IConfiguration Settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Schedule"] = "0 */2 * * * *",
        ["AzureWebJobsStorage"] = "default-storage",
        ["AzureWebJobsReplication"] = "prefixed",
        ["Regions:Primary:ConnectionString"] = "primary",
        ["ConnectionStrings:Named"] = "from-connection-strings",
        ["Named"] = "plain",
    }).Build();

    [Theory]
    [InlineData("%Schedule%", "0 */2 * * * *")]
    [InlineData("*/5 * * * * *", "*/5 * * * * *")]
    [InlineData("%", "%")]
    public void Percent_expressions_name_an_app_setting(string value, string resolved)
    {
        Assert.Equal(resolved, AppSettingExpressions.Resolve(value, Settings));
    }

    [Fact]
    public void A_percent_expression_naming_no_setting_is_an_error_naming_it()
    {
        var error = Assert.Throws<InvalidOperationException>(() => AppSettingExpressions.Resolve("%Missing%", Settings));
        Assert.Contains("'Missing'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "default-storage")]
    [InlineData("Replication", "prefixed")]
    [InlineData("Regions:Primary:ConnectionString", "primary")]
    [InlineData("Named", "from-connection-strings")]
    public void Storage_connections_resolve_in_the_hosts_order(string? name, string connection)
    {
        Assert.Equal(connection, StorageConnections.Resolve(name, Settings));
    }

    [Theory]
    [InlineData("http://127.0.0.1:7071", "127.0.0.1", 7071)]
    [InlineData("http://localhost:5000/", "localhost", 5000)]
    [InlineData("http://*:8080", "0.0.0.0", 8080)]
    public void Urls_are_plain_http_addresses(string urls, string host, int port)
    {
        Assert.Equal(new ListenAddress(host, port), Assert.Single(ListenAddress.ParseList(urls)));
    }

    [Theory]
    [InlineData("https://127.0.0.1:7071")]
    [InlineData("http://127.0.0.1:7071/base")]
    [InlineData("not a url")]
    [InlineData("")]
    public void Other_urls_are_refused_naming_the_setting(string urls)
    {
        Assert.StartsWith("Urls", Assert.Throws<FormatException>(() => ListenAddress.ParseList(urls)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void App_settings_from_the_command_line_and_generated_ones_reach_the_worker_but_devhosts_own_do_not()
    {
        var configuration = new ConfigurationBuilder()
            .AddCommandLine(["--Auth:AdminKey=from-command-line", "--urls", "http://127.0.0.1:1", "--DevHost:GrpcPort=5"])
            .Build();

        var settings = AppSettings.Collect(configuration, [new("Regions:Primary:Name", "local-primary")]);

        Assert.Equal("from-command-line", settings["Auth:AdminKey"]);
        Assert.Equal("local-primary", settings["Regions:Primary:Name"]);
        Assert.False(settings.ContainsKey("urls"));
        Assert.False(settings.ContainsKey("DevHost:GrpcPort"));
    }
}
