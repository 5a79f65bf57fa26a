using System.Text;

namespace Serverless.Testing;

/// <summary>What <see cref="ConsistencyChecker"/> found: items the primary holds and the secondary lacks (missing), items
/// only the secondary holds (extra), and items both hold with different contents (different), each sorted by name.</summary>
public sealed record ConsistencyReport(
    IReadOnlyList<Difference> Missing,
    IReadOnlyList<Difference> Extra,
    IReadOnlyList<Difference> Different,
    ComparedItems Compared)
{
    /// <summary>Items listed per kind by <see cref="Describe"/>; a store that lost everything must not print a megabyte.</summary>
    public const int DescribedPerKind = 20;

    public bool Equal => Missing.Count == 0 && Extra.Count == 0 && Different.Count == 0;

    /// <summary>A few lines for a test failure or a benchmark log.</summary>
    public string Describe()
    {
        var compared = $"{Compared.MetadataRows} metadata rows, {Compared.Messages} messages and {Compared.DedupEntries} dedup entries in {Compared.Partitions} partitions compared";
        if (Equal) return $"The stores are equal: {compared}.";
        var text = new StringBuilder($"The stores differ: {Missing.Count} missing, {Extra.Count} extra, {Different.Count} different ({compared}).");
        List("Missing (in the primary, not in the secondary)", Missing, text);
        List("Extra (in the secondary, not in the primary)", Extra, text);
        List("Different (primary → secondary)", Different, text);
        return text.ToString();
    }

    private static void List(string title, IReadOnlyList<Difference> items, StringBuilder text)
    {
        if (items.Count == 0) return;
        text.AppendLine().Append(title).Append(':');
        foreach (var item in items.Take(DescribedPerKind)) text.AppendLine().Append("  ").Append(item);
        if (items.Count > DescribedPerKind) text.AppendLine().Append($"  ... and {items.Count - DescribedPerKind} more");
    }
}
