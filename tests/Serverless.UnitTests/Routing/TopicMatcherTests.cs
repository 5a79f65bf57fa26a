using CsCheck;
using Serverless.Routing;

namespace Serverless.UnitTests.Routing;

public class TopicMatcherTests
{
    [Theory]
    // RabbitMQ tutorial 5 ("Topics").
    [InlineData("*.orange.*", "quick.orange.rabbit", true)]
    [InlineData("*.*.rabbit", "quick.orange.rabbit", true)]
    [InlineData("lazy.#", "quick.orange.rabbit", false)]
    [InlineData("*.orange.*", "lazy.orange.elephant", true)]
    [InlineData("lazy.#", "lazy.orange.elephant", true)]
    [InlineData("*.orange.*", "quick.orange.fox", true)]
    [InlineData("*.*.rabbit", "quick.orange.fox", false)]
    [InlineData("*.orange.*", "lazy.brown.fox", false)]
    [InlineData("lazy.#", "lazy.brown.fox", true)]
    [InlineData("*.*.rabbit", "lazy.pink.rabbit", true)]
    [InlineData("lazy.#", "lazy.pink.rabbit", true)]
    [InlineData("*.orange.*", "quick.brown.fox", false)]
    [InlineData("*.*.rabbit", "quick.brown.fox", false)]
    [InlineData("lazy.#", "quick.brown.fox", false)]
    [InlineData("*.orange.*", "orange", false)]
    [InlineData("*.*.rabbit", "orange", false)]
    [InlineData("lazy.#", "orange", false)]
    [InlineData("*.orange.*", "quick.orange.new.rabbit", false)]
    [InlineData("*.*.rabbit", "quick.orange.new.rabbit", false)]
    [InlineData("*.orange.*", "lazy.orange.new.rabbit", false)]
    [InlineData("lazy.#", "lazy.orange.new.rabbit", true)]
    // "#" alone matches everything.
    [InlineData("#", "", true)]
    [InlineData("#", "a", true)]
    [InlineData("#", "a.b.c", true)]
    [InlineData("#", "..", true)]
    // "*" is exactly one word, possibly empty; the empty key has no word at all.
    [InlineData("*", "", false)]
    [InlineData("*", "a", true)]
    [InlineData("*", "a.b", false)]
    [InlineData("*", ".", false)]
    // "#" in the middle and at the ends.
    [InlineData("a.#.b", "a.b", true)]
    [InlineData("a.#.b", "a.x.b", true)]
    [InlineData("a.#.b", "a.x.y.b", true)]
    [InlineData("a.#.b", "a.b.c", false)]
    [InlineData("#.b", "b", true)]
    [InlineData("#.b", "a.b", true)]
    [InlineData("#.b", "a.c", false)]
    [InlineData("a.#", "a", true)]
    [InlineData("a.#", "a.b.c", true)]
    [InlineData("a.#", "b", false)]
    [InlineData("#.#", "", true)]
    [InlineData("#.*", "", false)]
    [InlineData("*.#", "a.b", true)]
    // Empty words are words.
    [InlineData("a.*.b", "a..b", true)]
    [InlineData("a.b", "a..b", false)]
    [InlineData("a..b", "a..b", true)]
    [InlineData("", "", true)]
    [InlineData("", "a", false)]
    [InlineData("a.", "a", false)]
    [InlineData("a.*", "a.", true)]
    [InlineData(".a", ".a", true)]
    // Literals are case-sensitive and whole-word.
    [InlineData("Lazy.#", "lazy.fox", false)]
    [InlineData("*.Orange", "quick.Orange", true)]
    [InlineData("*.orange", "quick.Orange", false)]
    [InlineData("a*", "ab", false)]
    [InlineData("a.*", "a.b", true)]
    public void Matches_follows_rabbitmq_topic_semantics(string bindingKey, string routingKey, bool expected) =>
        Assert.Equal(expected, TopicMatcher.Matches(bindingKey, routingKey));

    // issue 8, item 19: RabbitMQ splits "" into zero words (and "a." into "a" and an empty word), so
    // only patterns that can match zero words match it. Checked against RabbitMQ 3.10.
    [Theory]
    [InlineData("*", false)]
    [InlineData("*.#", false)]
    [InlineData("#.*", false)]
    [InlineData("#.", false)]
    [InlineData(".#", false)]
    [InlineData("#.*.#", false)]
    [InlineData("#..#", false)]
    [InlineData(".", false)]
    [InlineData("#", true)]
    [InlineData("#.#", true)]
    [InlineData("", true)]
    public void Empty_routing_key_has_zero_words(string bindingKey, bool expected) =>
        Assert.Equal(expected, TopicMatcher.Matches(bindingKey, ""));

    [Fact]
    public void Many_hashes_do_not_backtrack_exponentially()
    {
        var pattern = string.Join('.', Enumerable.Repeat("#", 200)) + ".x";
        var key = string.Join('.', Enumerable.Repeat("a", 500));
        Assert.False(TopicMatcher.Matches(pattern, key));
        Assert.True(TopicMatcher.Matches(pattern, key + ".x"));
    }

    [Fact]
    public void Long_keys_beyond_the_stack_buffer_still_match()
    {
        var key = string.Join('.', Enumerable.Range(0, 1000).Select(i => i % 2 == 0 ? "a" : "b"));
        Assert.True(TopicMatcher.Matches("a.#.b", key));
        Assert.False(TopicMatcher.Matches("b.#", key));
    }

    [Fact]
    public void Matches_agrees_with_a_reference_implementation()
    {
        var keys = Gen.OneOf("a", "b", "c", "").Array[0, 6].Select(words => string.Join('.', words));
        var patterns = Gen.OneOf("a", "b", "c", "", "*", "#").Array[0, 6].Select(words => string.Join('.', words));
        Gen.Select(patterns, keys).Sample(
            (pattern, key) => TopicMatcher.Matches(pattern, key) == Reference(Words(pattern), Words(key)),
            iter: 20_000);
    }

    // RabbitMQ's split (rabbit_exchange_type_topic:split_topic_key): "" is no word at all, and every
    // dot separates two words, so "a..b" is "a", "" and "b", and "a." is "a" and "".
    private static string[] Words(string key) => key.Length == 0 ? [] : key.Split('.');

    // Naive recursive matcher: exponential in the worst case but obviously right.
    private static bool Reference(ReadOnlySpan<string> pattern, ReadOnlySpan<string> key)
    {
        if (pattern.IsEmpty) return key.IsEmpty;
        if (pattern[0] == "#") return Reference(pattern[1..], key) || (!key.IsEmpty && Reference(pattern, key[1..]));
        if (key.IsEmpty) return false;
        return (pattern[0] == "*" || pattern[0] == key[0]) && Reference(pattern[1..], key[1..]);
    }
}
