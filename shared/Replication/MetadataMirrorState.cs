namespace Serverless.Replication;

/// <summary>Whether a metadata row failed to reach the secondary since the last full comparison (then the next sweep
/// compares all of metadata, not only once a minute), and whether copies are paused after a failure: a hung secondary
/// would otherwise hold every declare, delete and policy change for a full request timeout.</summary>
public sealed class MetadataMirrorState(TimeProvider time)
{
    /// <summary>After a copy failed, copies are skipped (left to the sweep) this long.</summary>
    public static readonly TimeSpan PauseAfterFailure = TimeSpan.FromSeconds(5);

    private int dirty;
    private long pausedUntilTicks;

    /// <summary>A row was not copied: the next sweep compares all of metadata.</summary>
    public void Dirty() => Volatile.Write(ref dirty, 1);

    /// <summary>A copy did not reach the secondary: the sweep compares everything, and copies pause for a while.</summary>
    public void Failed()
    {
        Dirty();
        Volatile.Write(ref pausedUntilTicks, (time.GetUtcNow() + PauseAfterFailure).UtcTicks);
    }

    /// <summary>True while copies are paused after a failure (the write marks the state dirty instead of copying).</summary>
    public bool Paused => time.GetUtcNow().UtcTicks < Volatile.Read(ref pausedUntilTicks);

    /// <summary>A metadata row may be missing in the secondary (until the next full comparison): not synchronized.</summary>
    public bool IsDirty => Volatile.Read(ref dirty) == 1;

    /// <summary>True once per failure: the caller is the one to compare.</summary>
    public bool TakeDirty() => Interlocked.Exchange(ref dirty, 0) == 1;
}
