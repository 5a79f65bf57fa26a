namespace Serverless.Testing;

/// <summary>A field whose value differs between the primary and the secondary, both shortened to what a report line can
/// show (around where they start to differ); null when the field is absent.</summary>
public sealed record FieldDifference(string Field, string? Primary, string? Secondary)
{
    private const int Shown = 48, Lead = 12;

    /// <summary>The difference of two full values, shortened alike so that the part that differs stays visible.</summary>
    public static FieldDifference Between(string field, string? primary, string? secondary)
    {
        var start = 0;
        if (primary is not null && secondary is not null)
        {
            var common = primary.AsSpan().CommonPrefixLength(secondary);
            if (common > Shown - Lead) start = common - Lead;
        }
        return new FieldDifference(field, Shorten(primary, start), Shorten(secondary, start));
    }

    public override string ToString() => $"{Field} {Quote(Primary)} → {Quote(Secondary)}";

    private static string? Shorten(string? value, int start)
    {
        if (value is null) return null;
        var shown = value[Math.Min(start, value.Length)..];
        if (shown.Length > Shown) shown = shown[..Shown] + "…";
        return start > 0 ? "…" + shown : shown;
    }

    private static string Quote(string? value) => value is null ? "(absent)" : $"'{value}'";
}
