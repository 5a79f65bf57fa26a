using Azure.Data.Tables;

namespace Serverless.Testing;

/// <summary>One message as a region's store holds it, reduced to what both regions must agree on: its content and the
/// index facts that do not depend on leases or on time passing (not its delivery count, lease, visibility, or whether
/// it is ready or delayed now).</summary>
internal sealed class StoredMessage
{
    /// <summary>Taken from the index row, wherever the content lives.</summary>
    private static readonly string[] IndexFields = ["MessageId", "Rank", "EnqueuedAt", "ExpiresAt", "Size"];

    /// <summary>Taken from the index row of a small message, from the body row <c>m:{seq}</c> of a large one.</summary>
    private static readonly string[] ContentFields =
        ["BodyEncoding", "Body", "Headers", "Deaths", "Priority", "Exchange", "RoutingKey", "ContentType", "CorrelationId", "ReplyTo"];

    private static readonly string[] TimeFields = ["EnqueuedAt", "ExpiresAt"];

    private readonly Dictionary<string, string?> fields = new(StringComparer.Ordinal);

    private StoredMessage(string sequence, bool bodyRow)
    {
        Sequence = sequence;
        BodyRow = bodyRow;
    }

    public string Sequence { get; }

    /// <summary>Whether the content lives in the body row (then <see cref="WithBody"/> supplies it).</summary>
    public bool BodyRow { get; }

    /// <summary>A message lives in exactly one index row; more is a defect worth reporting.</summary>
    public int IndexRows { get; private set; } = 1;

    /// <summary>The message of an index row (<c>r:{rank}:{seq}</c> or <c>v:{dueTicks}:{seq}:{leaseId}</c>).</summary>
    public static StoredMessage FromIndexRow(TableEntity row)
    {
        var message = new StoredMessage(row.GetString("Seq") ?? SequenceFromKey(row.RowKey), row.GetBoolean("BodyRow") == true);
        foreach (var field in IndexFields) message.fields[field] = Read(row, field);
        if (!message.BodyRow) message.SetContent(ContentOf(row));
        return message;
    }

    /// <summary>The content columns of an index row or a body row.</summary>
    public static IReadOnlyDictionary<string, string?> ContentOf(TableEntity row) =>
        ContentFields.ToDictionary(f => f, f => f == "Body" ? StoredValue.Body(row) : Read(row, f), StringComparer.Ordinal);

    /// <summary>The content of a large message from its body row (null: the row is not there).</summary>
    public void WithBody(IReadOnlyDictionary<string, string?>? content)
    {
        if (content is not null) SetContent(content);
        else fields["Body"] = "(no body row)";
    }

    /// <summary>The same message found in another index row of the same store.</summary>
    public void AlsoIndexed() => IndexRows++;

    /// <summary>The fields whose values differ, in a fixed order (primary's value first).</summary>
    public IReadOnlyList<FieldDifference> Compare(StoredMessage secondary)
    {
        var differences = new List<FieldDifference>();
        foreach (var field in IndexFields.Concat(ContentFields))
        {
            var mine = fields.GetValueOrDefault(field);
            var theirs = secondary.fields.GetValueOrDefault(field);
            if (!string.Equals(mine, theirs, StringComparison.Ordinal)) differences.Add(FieldDifference.Between(field, mine, theirs));
        }
        if (IndexRows != secondary.IndexRows) differences.Add(FieldDifference.Between("IndexRows", IndexRows.ToString(), secondary.IndexRows.ToString()));
        return differences;
    }

    private void SetContent(IReadOnlyDictionary<string, string?> content)
    {
        foreach (var (field, value) in content) fields[field] = value;
    }

    private static string? Read(TableEntity row, string field)
    {
        var value = row.TryGetValue(field, out var stored) ? stored : null;
        return TimeFields.Contains(field) ? StoredValue.Time(value) : StoredValue.Text(value);
    }

    /// <summary><c>r:{rank}:{seq}</c> or <c>v:{dueTicks}:{seq}:{leaseId}</c>: the sequence is the third part.</summary>
    private static string SequenceFromKey(string rowKey)
    {
        var parts = rowKey.Split(':');
        return parts.Length >= 3 ? parts[2] : rowKey;
    }
}
