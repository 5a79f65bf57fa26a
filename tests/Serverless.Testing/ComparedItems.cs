namespace Serverless.Testing;

/// <summary>How much a comparison looked at (items held by either store), so that "equal" can be told from "found
/// nothing to compare".</summary>
public sealed record ComparedItems(int MetadataRows, int Partitions, int Messages, int DedupEntries);
