using System.Text.Json;
using Serverless.Routing;

namespace Serverless.UnitTests.Routing;

public class HeadersMatcherTests
{
    // Builds a table from a JSON object literal so values keep their exact JSON kinds.
    private static Dictionary<string, JsonElement> Table(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!;

    [Theory]
    [InlineData("""{"format":"pdf","type":"report"}""", true)]
    [InlineData("""{"format":"pdf","type":"report","extra":1}""", true)]
    [InlineData("""{"format":"pdf"}""", false)]
    [InlineData("""{"format":"pdf","type":"log"}""", false)]
    [InlineData("""{}""", false)]
    public void All_requires_every_argument(string headers, bool expected) =>
        Assert.Equal(expected, HeadersMatcher.Matches(Table("""{"x-match":"all","format":"pdf","type":"report"}"""), Table(headers)));

    [Theory]
    [InlineData("""{"format":"pdf","type":"report"}""", true)]
    [InlineData("""{"format":"pdf"}""", false)]
    public void All_is_the_default_mode(string headers, bool expected) =>
        Assert.Equal(expected, HeadersMatcher.Matches(Table("""{"format":"pdf","type":"report"}"""), Table(headers)));

    [Theory]
    [InlineData("""{"format":"pdf"}""", true)]
    [InlineData("""{"type":"report"}""", true)]
    [InlineData("""{"format":"zip","type":"log"}""", false)]
    [InlineData("""{}""", false)]
    public void Any_requires_one_argument(string headers, bool expected) =>
        Assert.Equal(expected, HeadersMatcher.Matches(Table("""{"x-match":"any","format":"pdf","type":"report"}"""), Table(headers)));

    [Fact]
    public void Missing_headers_fail_all_and_any()
    {
        Assert.False(HeadersMatcher.Matches(Table("""{"format":"pdf"}"""), null));
        Assert.False(HeadersMatcher.Matches(Table("""{"x-match":"any","format":"pdf"}"""), null));
    }

    [Fact]
    public void All_without_matchable_arguments_matches_everything()
    {
        Assert.True(HeadersMatcher.Matches(null, null));
        Assert.True(HeadersMatcher.Matches(Table("""{}"""), Table("""{"a":1}""")));
        Assert.True(HeadersMatcher.Matches(Table("""{"x-match":"all"}"""), null));
        Assert.True(HeadersMatcher.Matches(Table("""{"x-match":"all","x-key":"v"}"""), Table("""{}""")));
    }

    [Fact]
    public void Any_without_matchable_arguments_matches_nothing()
    {
        Assert.False(HeadersMatcher.Matches(Table("""{"x-match":"any"}"""), Table("""{"a":1}""")));
        Assert.False(HeadersMatcher.Matches(Table("""{"x-match":"any","x-key":"v"}"""), Table("""{"x-key":"v"}""")));
    }

    [Theory]
    [InlineData("""{"flag":"anything"}""", true)]
    [InlineData("""{"flag":null}""", true)]
    [InlineData("""{"flag":0}""", true)]
    [InlineData("""{"other":"x"}""", false)]
    public void A_null_argument_matches_on_presence(string headers, bool expected) =>
        Assert.Equal(expected, HeadersMatcher.Matches(Table("""{"flag":null}"""), Table(headers)));

    [Theory]
    [InlineData("1", "1", true)]
    [InlineData("1", "1.0", true)]
    [InlineData("1", "1e0", true)]
    [InlineData("0.1", "0.10", true)]
    [InlineData("1", "2", false)]
    [InlineData("1", "\"1\"", false)]
    [InlineData("\"1\"", "1", false)]
    [InlineData("true", "true", true)]
    [InlineData("true", "\"true\"", false)]
    [InlineData("\"pdf\"", "\"PDF\"", false)]
    [InlineData("\"pdf\"", "\"pdf\"", true)]
    [InlineData("[1,2]", "[1,2]", true)]
    [InlineData("[1,2]", "[2,1]", false)]
    [InlineData("\"v\"", "null", false)]
    public void Values_compare_by_json_kind_and_value(string argument, string header, bool expected) =>
        Assert.Equal(expected, HeadersMatcher.Matches(Table($$"""{"h":{{argument}}}"""), Table($$"""{"h":{{header}}}""")));

    [Theory]
    [InlineData("all", false)]
    [InlineData("all-with-x", true)]
    public void X_arguments_take_part_only_in_with_x_modes_for_all(string mode, bool expected)
    {
        var binding = Table($$"""{"x-match":"{{mode}}","x-tenant":"acme","format":"pdf"}""");
        Assert.True(HeadersMatcher.Matches(binding, Table("""{"format":"pdf","x-tenant":"acme"}""")));
        Assert.Equal(!expected, HeadersMatcher.Matches(binding, Table("""{"format":"pdf","x-tenant":"other"}""")));
        Assert.Equal(!expected, HeadersMatcher.Matches(binding, Table("""{"format":"pdf"}""")));
    }

    [Theory]
    [InlineData("any", false)]
    [InlineData("any-with-x", true)]
    public void X_arguments_take_part_only_in_with_x_modes_for_any(string mode, bool expected)
    {
        var binding = Table($$"""{"x-match":"{{mode}}","x-tenant":"acme","format":"pdf"}""");
        Assert.Equal(expected, HeadersMatcher.Matches(binding, Table("""{"x-tenant":"acme"}""")));
        Assert.True(HeadersMatcher.Matches(binding, Table("""{"format":"pdf"}""")));
    }

    [Fact]
    public void The_match_mode_itself_is_never_matched_against_headers()
    {
        Assert.True(HeadersMatcher.Matches(Table("""{"x-match":"all-with-x","a":1}"""), Table("""{"a":1}""")));
        Assert.False(HeadersMatcher.Matches(Table("""{"x-match":"any-with-x"}"""), Table("""{"x-match":"any-with-x"}""")));
    }

    [Theory]
    [InlineData("all", true)]
    [InlineData("any", true)]
    [InlineData("all-with-x", true)]
    [InlineData("any-with-x", true)]
    [InlineData("ALL", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("none", false)]
    public void Only_the_four_rabbitmq_modes_are_valid(string? mode, bool expected) =>
        Assert.Equal(expected, HeadersMatcher.IsValidMatchMode(mode));
}
