namespace Serverless.Testing;

/// <summary>One item the two regions' stores disagree on, named so that an operator can find it
/// (<c>metadata queue|default/orders</c>, <c>message default/orders/{incarnation}/00 seq=...</c>,
/// <c>dedup default/orders/{incarnation}/00 messageId=...</c>), with the fields that differ when both stores hold it.</summary>
public sealed record Difference(string Item, IReadOnlyList<FieldDifference> Fields)
{
    public Difference(string item) : this(item, []) { }

    public override string ToString() => Fields.Count == 0 ? Item : $"{Item}: {string.Join("; ", Fields)}";
}
