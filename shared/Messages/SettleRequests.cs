namespace Serverless.Messages;

public sealed record AckRequest
{
    public List<string>? Receipts { get; init; }
}

public sealed record NackRequest
{
    public List<string>? Receipts { get; init; }
    public bool? Requeue { get; init; }
    public int? DelaySeconds { get; init; }
}

public sealed record ExtendRequest
{
    public List<string>? Receipts { get; init; }
    public int? VisibilityTimeoutSeconds { get; init; }
}

public enum ReceiptStatus { Acked, Requeued, DeadLettered, Dropped, Extended, Stale }

public sealed record ReceiptResult(string Receipt, ReceiptStatus Status, DateTimeOffset? VisibleUntil = null);

public sealed record SettleResponse(IReadOnlyList<ReceiptResult> Results);
