using Azure.Data.Tables;

namespace Serverless.Storage;

/// <summary>Collects what the transactions of one storage call committed (their rows), for the replication layer
/// above: the store writes its change rows (the outbox) inside its transactions and records them here, and never calls
/// replication itself. Flows with the async call (an <see cref="AsyncLocal{T}"/>), so a call's capture sees exactly the
/// transactions that call made.</summary>
public sealed class ChangeCapture : IDisposable
{
    private static readonly AsyncLocal<ChangeCapture?> current = new();
    private readonly ChangeCapture? outer;
    private readonly List<ITableEntity> rows = [];
    private readonly Lock gate = new();

    private ChangeCapture(ChangeCapture? outer) => this.outer = outer;

    /// <summary>Starts capturing for the calls made from here until disposal.</summary>
    public static ChangeCapture Begin()
    {
        var capture = new ChangeCapture(current.Value);
        current.Value = capture;
        return capture;
    }

    /// <summary>Records the rows a committed transaction inserted or replaced (into the innermost capture, if any).</summary>
    internal static void Committed(IEnumerable<TableTransactionAction> actions)
    {
        if (current.Value is not { } capture) return;
        lock (capture.gate)
        {
            foreach (var action in actions)
            {
                if (action.ActionType is not (TableTransactionActionType.Delete or TableTransactionActionType.UpdateMerge)) capture.rows.Add(action.Entity);
            }
        }
    }

    /// <summary>The rows committed so far (change rows <c>o:</c>, body rows <c>m:</c>, ...), in commit order.</summary>
    public IReadOnlyList<ITableEntity> Rows
    {
        get
        {
            lock (gate) return [.. rows];
        }
    }

    public void Dispose() => current.Value = outer;
}
