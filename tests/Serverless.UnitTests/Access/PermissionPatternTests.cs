using Serverless.Access;

namespace Serverless.UnitTests.Access;

/// <summary>Permission regexes read as RabbitMQ reads them (rabbit_access_control: re:run on the name).</summary>
public sealed class PermissionPatternTests
{
    [Theory]
    [InlineData(".*", "orders", true)]
    [InlineData("^orders\\.", "orders.eu", true)]
    [InlineData("^orders\\.", "my-orders.eu", false)]
    [InlineData("orders", "my-orders-eu", true)] // found anywhere, as in RabbitMQ: anchor it to mean whole names
    [InlineData("^orders$", "orders.eu", false)]
    [InlineData("", "anything", false)] // the empty pattern grants nothing
    [InlineData("", "", false)]
    [InlineData("^(a|b)-", "b-queue", true)]
    public void A_pattern_matches_as_in_RabbitMQ(string pattern, string resource, bool matches) =>
        Assert.Equal(matches, PermissionPattern.Matches(pattern, resource));

    [Theory]
    [InlineData("(")]
    [InlineData("[a-")]
    [InlineData("(?<=a)b")] // lookbehind: not linear-time, refused rather than risk a slow match
    [InlineData("(a)\\1")]
    public void A_pattern_the_service_cannot_match_in_linear_time_is_refused_with_a_reason(string pattern) =>
        Assert.StartsWith("is not a supported regular expression", PermissionPattern.Problem(pattern));

    [Fact]
    public void An_overlong_or_absent_pattern_is_refused()
    {
        Assert.Equal("must be at most 1024 characters", PermissionPattern.Problem(new string('a', 1025)));
        Assert.NotNull(PermissionPattern.Problem(null));
        Assert.Null(PermissionPattern.Problem(""));
    }

    [Fact]
    public void A_pattern_that_backtracks_catastrophically_elsewhere_matches_at_once_here()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        Assert.False(PermissionPattern.Matches("^(a+)+$", new string('a', 5000) + "!"));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(1), $"{started.Elapsed}");
    }
}

public sealed class CallerTests
{
    private static readonly Caller Key = new("key:1", false, [new VhostGrant("shop", "^cfg-", "^w-", "^r-")]);

    [Fact]
    public void A_key_may_do_only_what_its_grant_allows_in_its_own_vhost()
    {
        Assert.True(Key.May(Permission.Configure, "shop", "cfg-orders"));
        Assert.False(Key.May(Permission.Write, "shop", "cfg-orders"));
        Assert.True(Key.May(Permission.Write, "shop", "w-orders"));
        Assert.True(Key.May(Permission.Read, "shop", "r-orders"));
        Assert.False(Key.May(Permission.Read, "other", "r-orders"));
        Assert.True(Key.CanEnter("shop"));
        Assert.False(Key.CanEnter("other"));
    }

    [Fact]
    public void Refusals_are_403_naming_the_permission_and_the_resource()
    {
        var refused = Assert.Throws<Serverless.Errors.ForbiddenException>(() => Key.Demand(Permission.Write, "shop", "orders"));
        Assert.Contains("write", refused.Message, StringComparison.Ordinal);
        Assert.Contains("'orders'", refused.Message, StringComparison.Ordinal);
        Assert.Throws<Serverless.Errors.ForbiddenException>(() => Key.DemandAdmin());
        Assert.Throws<Serverless.Errors.ForbiddenException>(() => Key.DemandVhost("other"));
    }

    [Fact]
    public void The_admin_may_do_everything_everywhere()
    {
        var admin = Caller.Admin("admin");
        admin.DemandAdmin();
        admin.DemandVhost("any");
        admin.Demand(Permission.Configure, "any", "thing");
    }

    [Fact]
    public void Grants_of_several_roles_add_up()
    {
        var caller = new Caller("token:x", false, [new VhostGrant("a", "", "^x$", ""), new VhostGrant("b", "", "", "^y$")]);
        Assert.True(caller.May(Permission.Write, "a", "x"));
        Assert.True(caller.May(Permission.Read, "b", "y"));
        Assert.False(caller.May(Permission.Read, "a", "y"));
    }
}
