namespace Serverless.Replication;

/// <summary>The secondary region's standing, as stored (in both regions): synchronized (it has every change the
/// primary confirmed, or is receiving them as they are made) or not, since when, and why.</summary>
public sealed record SecondaryStanding(bool Synchronized, DateTimeOffset ChangedAt, string? Reason)
{
    public static SecondaryStanding Initial { get; } = new(true, DateTimeOffset.UnixEpoch, null);
}
