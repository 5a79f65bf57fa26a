namespace Serverless.Storage.Diagnostics;

/// <summary>One operation of an entity group transaction as it goes over the wire: its position in the
/// change set, its HTTP method and the entity it targets.</summary>
public sealed record TableBatchOperation(int Index, string Method, string PartitionKey, string RowKey)
{
    public override string ToString() => $"#{Index} {Method} ({PartitionKey}, {RowKey})";
}
