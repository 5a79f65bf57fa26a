using CsCheck;
using Serverless.Messages;

namespace Serverless.UnitTests.Messages;

/// <summary>Issue 8, item 8: picks among the first ready rows must never skip a higher priority for a lower one; the
/// random choice that keeps concurrent receivers apart happens only within the rank being cut.</summary>
public sealed class ReceiverPickTests
{
    [Fact]
    public void Picks_take_every_higher_ranked_candidate_before_any_lower_ranked_one()
    {
        Gen.Select(Gen.Int[0, 9].List[1, 60], Gen.Int[1, 20], Gen.Bool).Sample((ranks, count, inOrder) =>
        {
            var candidates = ranks.Select((rank, i) => Entry(rank, i)).OrderBy(e => e.Key, StringComparer.Ordinal).ToList();

            var picks = Receiver.Pick(candidates, count, inOrder);

            Assert.Equal(Math.Min(count, candidates.Count), picks.Count);
            var worstPicked = picks.Max(p => p.PriorityRank);
            Assert.All(candidates.Where(c => c.PriorityRank < worstPicked), c => Assert.Contains(c, picks));
            if (inOrder) Assert.Equal(candidates.Take(count).ToList(), picks);
        });
    }

    [Fact]
    public void Receivers_with_company_spread_their_picks_within_a_rank()
    {
        var candidates = Enumerable.Range(0, 40).Select(i => Entry(9, i)).ToList();

        var firsts = Enumerable.Range(0, 50).Select(_ => Receiver.Pick(candidates, 1, inOrder: false).Single().Sequence).Distinct().Count();

        Assert.True(firsts > 5, $"only {firsts} distinct picks");
    }

    private static IndexEntry Entry(int rank, int sequence) => new()
    {
        Key = $"r:{rank}:{sequence:D6}",
        ETag = "*",
        Sequence = sequence.ToString("D6"),
        MessageId = $"m{sequence}",
        PriorityRank = rank,
        State = IndexState.Ready,
    };
}
