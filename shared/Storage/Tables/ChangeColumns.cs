namespace Serverless.Storage.Tables;

/// <summary>The columns of a change row (<c>o:{changeSeq}</c>, the replication outbox) beside the message's own index
/// columns: what the change is, why (the operation, for operators), the key the secondary keeps the message under,
/// the queue's replication mode when it changed, and for a publish with a client id its dedup entry.</summary>
internal static class ChangeColumns
{
    public const string Op = "Op", Why = "Why", ReplicaKey = "ReplicaKey", Mode = "Mode", DedupKey = "DedupKey", DedupUntil = "DedupUntil";
    public const string Upsert = "upsert", Delete = "delete";
}
