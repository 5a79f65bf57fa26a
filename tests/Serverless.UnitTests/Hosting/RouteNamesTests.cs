using Serverless.Errors;
using Serverless.Functions.Hosting;

namespace Serverless.UnitTests.Hosting;

public sealed class RouteNamesTests
{
    [Fact]
    public void Valid_names_pass()
    {
        RouteNames.Check(["vhost", "queue"], new Dictionary<string, object?> { ["vhost"] = "default", ["queue"] = "orders.eu-1" });
    }

    [Fact]
    public void Every_bad_route_value_is_named()
    {
        var values = new Dictionary<string, object?> { ["vhost"] = "..", ["queue"] = ".hidden", ["exchange"] = "ok" };

        var exception = Assert.Throws<InvalidRequestException>(() => RouteNames.Check(["vhost", "queue", "exchange"], values));

        Assert.Equal(["queue", "vhost"], exception.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_route_value_the_host_did_not_send_is_a_400_not_a_null_name()
    {
        var exception = Assert.Throws<InvalidRequestException>(() => RouteNames.Check(["queue"], new Dictionary<string, object?>()));

        Assert.Equal(["queue"], exception.Errors.Keys);
    }

    [Fact]
    public void Names_longer_than_128_characters_are_refused()
    {
        Assert.Throws<InvalidRequestException>(() => RouteNames.Check(["queue"], new Dictionary<string, object?> { ["queue"] = new string('q', 129) }));
    }
}
