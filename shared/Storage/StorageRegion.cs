using Azure.Data.Tables;
using Azure.Storage.Queues;

namespace Serverless.Storage;

/// <summary>The storage clients of one region. SDK clients are thread-safe singletons.</summary>
public sealed class StorageRegion(string name, TableServiceClient tables, QueueServiceClient queues)
{
    public const string MetadataTable = "Metadata";
    public const string MessagesTable = "Messages";
    public const string EventsTable = "Events";
    public const string TopologyTable = "Topology";
    public static IReadOnlyList<string> TableNames { get; } = [MetadataTable, MessagesTable, EventsTable, TopologyTable];

    public string Name { get; } = name;
    public TableServiceClient Tables { get; } = tables;
    public QueueServiceClient Queues { get; } = queues;

    public TableClient Metadata { get; } = tables.GetTableClient(MetadataTable);
    public TableClient Messages { get; } = tables.GetTableClient(MessagesTable);
    public TableClient Events { get; } = tables.GetTableClient(EventsTable);

    /// <summary>Creates the tables this service uses; safe to call on every start.</summary>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        foreach (var table in TableNames)
        {
            await StorageErrors.TranslateAsync(() => Tables.CreateTableIfNotExistsAsync(table, cancellationToken));
        }
    }
}
