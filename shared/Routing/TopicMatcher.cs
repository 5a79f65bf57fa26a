namespace Serverless.Routing;

/// <summary>
/// RabbitMQ topic-exchange matching: keys are dot-separated words, <c>*</c> matches exactly one
/// word and <c>#</c> matches zero or more words. Words are split as RabbitMQ splits them: the empty
/// key has no word at all, and every dot separates two words (<c>"a..b"</c> is <c>a</c>, an empty
/// word and <c>b</c>; <c>"a."</c> is <c>a</c> and an empty word).
/// </summary>
public static class TopicMatcher
{
    // Above this many routing-key words the DP row moves from the stack to the heap.
    private const int StackLimit = 256;

    /// <summary>
    /// Whether <paramref name="routingKey"/> matches the topic <paramref name="bindingKey"/>.
    /// Words are compared ordinally; <c>*</c> matches an empty word too, but the empty key, having no
    /// word, is matched only by patterns that can match zero words (<c>""</c>, <c>#</c>, <c>#.#</c>).
    /// </summary>
    public static bool Matches(string bindingKey, string routingKey)
    {
        ArgumentNullException.ThrowIfNull(bindingKey);
        ArgumentNullException.ThrowIfNull(routingKey);

        // Fast paths for the shapes most bindings have.
        if (bindingKey == "#") return true;
        if (!bindingKey.Contains('*') && !bindingKey.Contains('#')) return string.Equals(bindingKey, routingKey, StringComparison.Ordinal);

        if (routingKey.Length == 0) return MatchesNoWords(bindingKey);

        var keyWordCount = routingKey.AsSpan().Count('.') + 1;

        // wordStarts[j] is where key word j begins; the sentinel after the last word lets word j
        // be read as [wordStarts[j], wordStarts[j + 1] - 1) without a special case.
        Span<int> wordStarts = keyWordCount + 1 <= StackLimit ? stackalloc int[keyWordCount + 1] : new int[keyWordCount + 1];
        var w = 0;
        wordStarts[w++] = 0;
        for (var i = 0; i < routingKey.Length; i++)
        {
            if (routingKey[i] == '.') wordStarts[w++] = i + 1;
        }
        wordStarts[w] = routingKey.Length + 1;

        // reachable[j]: the pattern words consumed so far can match exactly the first j key words.
        // One row updated in place per pattern word keeps this O(pattern words × key words) with no
        // backtracking, so patterns like "#.#.#.#.x" cannot blow up.
        Span<bool> reachable = keyWordCount + 1 <= StackLimit ? stackalloc bool[keyWordCount + 1] : new bool[keyWordCount + 1];
        reachable.Clear();
        reachable[0] = true;

        var pattern = bindingKey.AsSpan();
        var key = routingKey.AsSpan();
        var start = 0;
        while (true)
        {
            var dot = pattern[start..].IndexOf('.');
            var end = dot < 0 ? pattern.Length : start + dot;
            var word = pattern[start..end];

            if (word is "#")
            {
                for (var j = 1; j <= keyWordCount; j++) reachable[j] |= reachable[j - 1];
            }
            else
            {
                var anyReachable = false;
                var isStar = word is "*";
                // Right to left so reachable[j - 1] still holds the previous row when read.
                for (var j = keyWordCount; j >= 1; j--)
                {
                    var matched = reachable[j - 1] && (isStar || word.SequenceEqual(key[wordStarts[j - 1]..(wordStarts[j] - 1)]));
                    reachable[j] = matched;
                    anyReachable |= matched;
                }
                reachable[0] = false;
                if (!anyReachable) return false;
            }

            if (dot < 0) break;
            start = end + 1;
        }

        return reachable[keyWordCount];
    }

    // Zero words are matched by the empty pattern and by patterns made of "#" words only.
    private static bool MatchesNoWords(string bindingKey)
    {
        if (bindingKey.Length == 0) return true;
        foreach (var word in bindingKey.AsSpan().Split('.'))
        {
            if (bindingKey.AsSpan()[word] is not "#") return false;
        }
        return true;
    }
}
