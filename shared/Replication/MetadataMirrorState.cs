namespace Serverless.Replication;

/// <summary>Whether a metadata row failed to reach the secondary since the last full comparison (then the next sweep
/// compares all of metadata, not only once a minute).</summary>
public sealed class MetadataMirrorState
{
    private int dirty;

    public void Dirty() => Volatile.Write(ref dirty, 1);

    /// <summary>True once per failure: the caller is the one to compare.</summary>
    public bool TakeDirty() => Interlocked.Exchange(ref dirty, 0) == 1;
}
