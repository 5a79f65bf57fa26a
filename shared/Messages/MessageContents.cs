using Serverless.Storage;

namespace Serverless.Messages;

/// <summary>The contents of index entries: a small message rides in its entry, a large one is read from its body row
/// (one point read each, in parallel). Aligned with the entries; null where a body row is gone.</summary>
public static class MessageContents
{
    public static async Task<IReadOnlyList<MessageContent?>> ContentsAsync(this IMessageStore store, QueuePartition partition, IReadOnlyList<IndexEntry> entries, CancellationToken cancellationToken = default)
    {
        var large = entries.Where(e => e.Content is null).Select(e => e.Sequence).Distinct().ToList();
        var bodies = large.Count == 0
            ? new Dictionary<string, MessageContent?>()
            : large.Zip(await store.ReadBodiesAsync(partition, large, cancellationToken)).ToDictionary(p => p.First, p => p.Second);
        return entries.Select(e => e.Content ?? bodies.GetValueOrDefault(e.Sequence)).ToList();
    }
}
